/**
 * The code upload signs in as azure-native does (infra/azure/deployer-credential.ts). Source of
 * every mapping: pulumi/pulumi-azure-native provider/pkg/provider/auth_azidentity.go
 * (`readAuthConfig`: config name and environment variable of each setting;
 * `newSingleMethodAuthCredential`: the order default, certificate, secret, OIDC, MSI, CLI) and
 * provider.go (`getConfig`: `azure-native:<name>` config first, else the variable).
 */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AzureCliCredential, ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential,
} from '@azure/identity';
import {
  checkPemCertificate, configGetter, credentialFor, defaultOidcAudience, githubIdToken, resolveSignIn, type SignIn,
} from '../../../infra/azure/deployer-credential';
import { projectRoot } from '../../../infra/packages';
import { removeDir } from '../harness';
import { azureStack, T } from './azure-rules';

const resolve = (env: Record<string, string>, config: Record<string, string> = {}): SignIn => resolveSignIn(configGetter((k) => config[k], env));
const failure = (env: Record<string, string>, config: Record<string, string> = {}): string => {
  try {
    resolve(env, config);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('resolved without error');
};
const sp = { ARM_CLIENT_ID: 'client', ARM_TENANT_ID: 'tenant' };

describe('deploy rules: Azure, the code upload signs in as azure-native does', function () {
  this.timeout(120000);

  describe('which method, from ARM_* variables and azure-native:* config', () => {
    const cases: { what: string; env: Record<string, string>; config?: Record<string, string>; expected: SignIn }[] = [
      { what: 'nothing set: the Azure CLI (az login)', env: {}, expected: { method: 'azureCli', tenantId: undefined, subscriptionId: undefined } },
      { what: 'the CLI, in the tenant and subscription set', env: { ARM_TENANT_ID: 't', ARM_SUBSCRIPTION_ID: 's' }, expected: { method: 'azureCli', tenantId: 't', subscriptionId: 's' } },
      { what: 'a client secret', env: { ...sp, ARM_CLIENT_SECRET: 'secret' }, expected: { method: 'clientSecret', tenantId: 'tenant', clientId: 'client', clientSecret: 'secret' } },
      { what: 'a certificate before a secret', env: { ...sp, ARM_CLIENT_SECRET: 'secret', ARM_CLIENT_CERTIFICATE_PATH: '/c.pem' }, expected: { method: 'clientCertificate', tenantId: 'tenant', clientId: 'client', certificatePath: '/c.pem', certificatePassword: undefined } },
      { what: 'DefaultAzureCredential before everything', env: { ...sp, ARM_CLIENT_SECRET: 'secret', ARM_USE_DEFAULT_AZURE_CREDENTIAL: 'true' }, expected: { method: 'defaultAzureCredential', tenantId: 'tenant' } },
      {
        what: 'OIDC in GitHub Actions (the CI workflows: ARM_USE_OIDC with the job\'s id-token request)',
        env: { ...sp, ARM_USE_OIDC: 'true', ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions/x?a=1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'gh' },
        expected: { method: 'oidc', tenantId: 'tenant', clientId: 'client', token: undefined, tokenFilePath: undefined, requestUrl: 'https://token.actions/x?a=1', requestToken: 'gh', audience: defaultOidcAudience },
      },
      {
        what: 'OIDC with a token (Pulumi ESC azure-login hands ARM_OIDC_TOKEN over) before a managed identity',
        env: { ...sp, ARM_USE_OIDC: 'true', ARM_OIDC_TOKEN: 'jwt', ARM_USE_MSI: 'true' },
        expected: { method: 'oidc', tenantId: 'tenant', clientId: 'client', token: 'jwt', tokenFilePath: undefined, requestUrl: undefined, requestToken: undefined, audience: defaultOidcAudience },
      },
      { what: 'a user-assigned managed identity', env: { ARM_USE_MSI: 'true', ARM_CLIENT_ID: 'mi' }, expected: { method: 'managedIdentity', clientId: 'mi' } },
      {
        what: 'azure-native:* config alone (pulumi config set azure-native:clientSecret --secret)',
        env: {},
        config: { 'azure-native:clientId': 'c', 'azure-native:tenantId': 't', 'azure-native:clientSecret': 's' },
        expected: { method: 'clientSecret', tenantId: 't', clientId: 'c', clientSecret: 's' },
      },
      {
        what: 'config before the variable, key by key',
        env: { ...sp, ARM_CLIENT_SECRET: 'from-env' },
        config: { 'azure-native:clientSecret': 'from-config' },
        expected: { method: 'clientSecret', tenantId: 'tenant', clientId: 'client', clientSecret: 'from-config' },
      },
    ];
    for (const c of cases) {
      it(c.what, () => expect(resolve(c.env, c.config)).to.deep.equal(c.expected));
    }
  });

  describe('refusals that name what to set', () => {
    it('a secret without a tenant', () => {
      expect(failure({ ARM_CLIENT_ID: 'c', ARM_CLIENT_SECRET: 's' })).to.equal('The code upload signs in as azure-native does, with a service principal\'s client secret, which needs a tenant id: set ARM_TENANT_ID (or azure-native:tenantId)');
    });
    it('OIDC without any token', () => {
      const message = failure({ ...sp, ARM_USE_OIDC: 'true' });
      expect(message).to.include('ARM_OIDC_TOKEN (or azure-native:oidcToken)').and.include('ARM_OIDC_TOKEN_FILE_PATH').and.include('permissions: id-token: write');
    });
    it('OIDC without a client id', () => {
      expect(failure({ ARM_TENANT_ID: 't', ARM_USE_OIDC: 'true', ARM_OIDC_TOKEN: 'jwt' })).to.include('needs a client id: set ARM_CLIENT_ID (or azure-native:clientId)');
    });
    it('another cloud than Azure public (One Deploy calls management.azure.com)', () => {
      expect(failure({ ARM_ENVIRONMENT: 'usgovernment' })).to.include('public cloud only').and.include('"usgovernment"');
      expect(resolve({ ARM_ENVIRONMENT: 'public' }).method).to.equal('azureCli');
    });
    it('a PKCS#12 certificate (@azure/identity reads PEM only), with the conversion', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'mcf-cert-'));
      try {
        writeFileSync(path.join(dir, 'c.pfx'), Buffer.from([0x30, 0x82, 0x0a, 0x00]));
        writeFileSync(path.join(dir, 'c.pem'), '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n');
        expect(() => checkPemCertificate(path.join(dir, 'c.pfx'))).to.throw(/is not PEM.*openssl pkcs12 -in cert\.pfx -out cert\.pem -nodes/);
        expect(() => checkPemCertificate(path.join(dir, 'c.pem'))).not.to.throw();
      } finally {
        removeDir(dir);
      }
    });
  });

  it('builds the @azure/identity credential of each method', () => {
    const expected: [SignIn, unknown][] = [
      [{ method: 'defaultAzureCredential' }, DefaultAzureCredential],
      [{ method: 'clientCertificate', tenantId: 't', clientId: 'c', certificatePath: '/c.pem' }, ClientCertificateCredential],
      [{ method: 'clientSecret', tenantId: 't', clientId: 'c', clientSecret: 's' }, ClientSecretCredential],
      [{ method: 'oidc', tenantId: 't', clientId: 'c', token: 'jwt', audience: defaultOidcAudience }, ClientAssertionCredential],
      [{ method: 'managedIdentity', clientId: 'c' }, ManagedIdentityCredential],
      [{ method: 'azureCli' }, AzureCliCredential],
    ];
    for (const [signIn, type] of expected) expect(credentialFor(signIn), signIn.method).to.be.instanceOf(type as never);
  });

  it('asks GitHub for the ID token with the request token and the audience, as azure-native does', async () => {
    const seen: { url: string; authorization?: string }[] = [];
    const server: Server = createServer((req, res) => {
      seen.push({ url: req.url!, authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: 'github-jwt' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await githubIdToken(`${base}/token?api-version=2.0`, 'request-token', defaultOidcAudience)).to.equal('github-jwt');
      expect(seen).to.deep.equal([{ url: '/token?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange', authorization: 'Bearer request-token' }]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('the README\'s Azure prerequisites name every variable the upload reads, as azure-native does', () => {
    const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const azure = readme.slice(readme.indexOf('## Deploy to Azure'), readme.indexOf('### Build the package, then deploy', readme.indexOf('## Deploy to Azure')));
    const source = readFileSync(path.join(projectRoot, 'infra', 'azure', 'deployer-credential.ts'), 'utf8');
    const read = [...new Set([...source.matchAll(/'((?:ARM|ACTIONS)_[A-Z_]+)'/g)].map((m) => m[1]))];
    expect(read.length).to.be.greaterThan(10);
    const documented = ['ARM_CLIENT_ID', 'ARM_CLIENT_SECRET', 'ARM_TENANT_ID', 'ARM_CLIENT_CERTIFICATE_PATH', 'ARM_USE_OIDC', 'ARM_OIDC_TOKEN', 'ARM_OIDC_TOKEN_FILE_PATH', 'ARM_USE_MSI', 'ARM_ENVIRONMENT'];
    for (const name of documented) {
      expect(read, name).to.include(name);
      expect(azure, name).to.include(name);
    }
    expect(azure).to.include('id-token: write').and.include('azure-native:<name>');
  });

  describe('the program, in preview as in up', () => {
    const saved: Record<string, string | undefined> = {};
    const setEnv = (env: Record<string, string>) => {
      for (const [k, v] of Object.entries(env)) {
        saved[k] = process.env[k];
        process.env[k] = v;
      }
    };
    afterEach(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
        delete saved[k];
      }
    });

    it('stops before anything is created when the upload could not sign in, naming what to set', async () => {
      setEnv({ ARM_USE_OIDC: 'true', ARM_CLIENT_ID: 'c', ARM_TENANT_ID: 't' });
      const error = await azureStack().then(() => undefined, (e: Error) => e);
      expect(pulumi.RunError.isInstance(error), String(error)).to.equal(true);
      expect(error!.message).to.include('OpenID Connect').and.include('ARM_OIDC_TOKEN');
    });

    it('hands the resolved method to the code deployment (its provider must resolve the same)', async () => {
      const { r } = await azureStack({ overrides: { 'azure-native:useMsi': 'true', 'azure-native:clientId': 'deployer-mi' } });
      expect(r.get(T.code, 'code').inputs.signInMethod).to.equal('managedIdentity');
    });
  });
});
