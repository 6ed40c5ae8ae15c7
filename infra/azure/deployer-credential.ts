/**
 * The identity the code upload (One Deploy, one-deploy.ts) signs in with: the SAME one the
 * azure-native provider uses for everything else, read from the same places in the same order.
 * azure-native reads each setting from `azure-native:<name>` config, else the environment
 * variable (`getConfig`, provider/pkg/provider/provider.go), and picks ONE method, the first
 * configured of (`newSingleMethodAuthCredential`, provider/pkg/provider/auth_azidentity.go):
 *   1. useDefaultAzureCredential / ARM_USE_DEFAULT_AZURE_CREDENTIAL: DefaultAzureCredential
 *   2. clientCertificatePath / ARM_CLIENT_CERTIFICATE_PATH: a service principal's certificate
 *   3. clientSecret / ARM_CLIENT_SECRET: a service principal's secret
 *   4. useOidc / ARM_USE_OIDC: a federated token (oidcToken / ARM_OIDC_TOKEN, oidcTokenFilePath /
 *      ARM_OIDC_TOKEN_FILE_PATH, or GitHub's oidcRequestUrl + oidcRequestToken /
 *      ACTIONS_ID_TOKEN_REQUEST_URL + ACTIONS_ID_TOKEN_REQUEST_TOKEN, audience oidcAudience /
 *      ARM_OIDC_AUDIENCE, default api://AzureADTokenExchange)
 *   5. useMsi / ARM_USE_MSI: a managed identity (clientId / ARM_CLIENT_ID picks a user-assigned one)
 *   6. otherwise the Azure CLI's sign-in (`az login`)
 * with clientId / ARM_CLIENT_ID and tenantId / ARM_TENANT_ID. Pulumi ESC's `azure-login` hands
 * over exactly these (ARM_* variables or azure-native:* config). What the upload cannot follow
 * (a PKCS#12 certificate: @azure/identity reads PEM; another cloud than Azure's public one) is
 * refused in preview with what to set instead.
 */
import { readFileSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import {
  AzureCliCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';

/** azure-native's lookup: the value of `azure-native:<configName>`, else of the environment variable. */
export type ConfigGetter = (configName: string, envName: string) => string | undefined;

export type SignIn =
  | { method: 'defaultAzureCredential'; tenantId?: string }
  | { method: 'clientCertificate'; tenantId: string; clientId: string; certificatePath: string; certificatePassword?: string }
  | { method: 'clientSecret'; tenantId: string; clientId: string; clientSecret: string }
  | { method: 'oidc'; tenantId: string; clientId: string; token?: string; tokenFilePath?: string; requestUrl?: string; requestToken?: string; audience: string }
  | { method: 'managedIdentity'; clientId?: string }
  | { method: 'azureCli'; tenantId?: string; subscriptionId?: string };

/** GitHub's default audience for a token exchanged with Entra (azure-native, getOidcTokenExchangeAssertion). */
export const defaultOidcAudience = 'api://AzureADTokenExchange';

/** The names of Azure's public cloud the upload's endpoints (management.azure.com, *.scm.azurewebsites.net) belong to. */
const publicCloud = ['', 'public', 'azurecloud', 'azurepubliccloud'];

/** Why the upload cannot sign in: the message names what to set. */
export class DeployerSignInError extends Error {}

/** "set ARM_X or azure-native:x" */
function where(configName: string, envName: string): string {
  return `${envName} (or azure-native:${configName})`;
}

/** The sign-in azure-native would use, or a DeployerSignInError naming what is missing. */
export function resolveSignIn(get: ConfigGetter): SignIn {
  const read = (configName: string, envName: string) => {
    const value = get(configName, envName);
    return value === undefined || value === '' ? undefined : value;
  };
  const need = (what: string, method: string, configName: string, envName: string): string => {
    const value = read(configName, envName);
    if (!value) throw new DeployerSignInError(`The code upload signs in as azure-native does, with ${method}, which needs ${what}: set ${where(configName, envName)}`);
    return value;
  };
  const environment = (read('environment', 'ARM_ENVIRONMENT') ?? read('environment', 'AZURE_ENVIRONMENT') ?? '').toLowerCase();
  if (!publicCloud.includes(environment)) {
    throw new DeployerSignInError(`The code upload (One Deploy) talks to Azure's public cloud only (management.azure.com), but ARM_ENVIRONMENT / azure-native:environment is "${environment}": unset it, or deploy to the public cloud`);
  }
  const tenantId = read('tenantId', 'ARM_TENANT_ID');
  const clientId = read('clientId', 'ARM_CLIENT_ID');

  if (read('useDefaultAzureCredential', 'ARM_USE_DEFAULT_AZURE_CREDENTIAL') === 'true') return { method: 'defaultAzureCredential', tenantId };

  const certificatePath = read('clientCertificatePath', 'ARM_CLIENT_CERTIFICATE_PATH');
  if (certificatePath) {
    const method = 'a service principal\'s client certificate';
    return {
      method: 'clientCertificate',
      tenantId: need('a tenant id', method, 'tenantId', 'ARM_TENANT_ID'),
      clientId: need('a client id', method, 'clientId', 'ARM_CLIENT_ID'),
      certificatePath,
      certificatePassword: read('clientCertificatePassword', 'ARM_CLIENT_CERTIFICATE_PASSWORD'),
    };
  }

  const clientSecret = read('clientSecret', 'ARM_CLIENT_SECRET');
  if (clientSecret) {
    const method = 'a service principal\'s client secret';
    return { method: 'clientSecret', tenantId: need('a tenant id', method, 'tenantId', 'ARM_TENANT_ID'), clientId: need('a client id', method, 'clientId', 'ARM_CLIENT_ID'), clientSecret };
  }

  if (read('useOidc', 'ARM_USE_OIDC') === 'true') {
    const method = 'OpenID Connect (useOidc)';
    const signIn: SignIn = {
      method: 'oidc',
      tenantId: need('a tenant id', method, 'tenantId', 'ARM_TENANT_ID'),
      clientId: need('a client id', method, 'clientId', 'ARM_CLIENT_ID'),
      token: read('oidcToken', 'ARM_OIDC_TOKEN'),
      tokenFilePath: read('oidcTokenFilePath', 'ARM_OIDC_TOKEN_FILE_PATH'),
      requestUrl: read('oidcRequestUrl', 'ACTIONS_ID_TOKEN_REQUEST_URL'),
      requestToken: read('oidcRequestToken', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'),
      audience: read('oidcAudience', 'ARM_OIDC_AUDIENCE') ?? defaultOidcAudience,
    };
    if (!signIn.token && !signIn.tokenFilePath && !(signIn.requestUrl && signIn.requestToken)) {
      throw new DeployerSignInError(`The code upload signs in as azure-native does, with ${method}, which needs a token: set ${where('oidcToken', 'ARM_OIDC_TOKEN')}, ${where('oidcTokenFilePath', 'ARM_OIDC_TOKEN_FILE_PATH')}, or, in GitHub Actions, give the job "permissions: id-token: write" (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN)`);
    }
    return signIn;
  }

  if (read('useMsi', 'ARM_USE_MSI') === 'true') return { method: 'managedIdentity', clientId };

  return { method: 'azureCli', tenantId, subscriptionId: read('subscriptionId', 'ARM_SUBSCRIPTION_ID') };
}

/** What a PEM file looks like; azure-native also reads PEM (azidentity.ParseCertificates), @azure/identity reads only PEM. */
export function checkPemCertificate(path: string): void {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (error) {
    throw new DeployerSignInError(`ARM_CLIENT_CERTIFICATE_PATH (or azure-native:clientCertificatePath) names ${path}, which cannot be read: ${(error as Error).message}`);
  }
  if (!text.includes('-----BEGIN')) {
    throw new DeployerSignInError(`The client certificate ${path} is not PEM: the code upload (@azure/identity) reads PEM only, and azure-native reads PEM too. Convert it (openssl pkcs12 -in cert.pfx -out cert.pem -nodes) and point ARM_CLIENT_CERTIFICATE_PATH at the .pem`);
  }
}

/** GitHub Actions' ID token for an audience (the flow azure-native's getOidcTokenExchangeAssertion implements). */
export async function githubIdToken(requestUrl: string, requestToken: string, audience: string): Promise<string> {
  const url = new URL(requestUrl);
  url.searchParams.set('audience', audience);
  const response = await fetch(url, { headers: { accept: 'application/json', authorization: `Bearer ${requestToken}` } });
  const body = await response.text();
  if (!response.ok) throw new Error(`GitHub OIDC: ${response.status} with response: ${body.slice(0, 300)}`);
  const value = (JSON.parse(body) as { value?: unknown }).value;
  if (typeof value !== 'string' || !value) throw new Error('GitHub OIDC: the answer has no "value" token');
  return value;
}

/** The @azure/identity credential for a sign-in. */
export function credentialFor(signIn: SignIn): TokenCredential {
  switch (signIn.method) {
    case 'defaultAzureCredential':
      return new DefaultAzureCredential(signIn.tenantId ? { tenantId: signIn.tenantId } : {});
    case 'clientCertificate':
      return new ClientCertificateCredential(signIn.tenantId, signIn.clientId, { certificatePath: signIn.certificatePath, certificatePassword: signIn.certificatePassword });
    case 'clientSecret':
      return new ClientSecretCredential(signIn.tenantId, signIn.clientId, signIn.clientSecret);
    case 'oidc': {
      const { token, tokenFilePath, requestUrl, requestToken, audience } = signIn;
      const assertion = token
        ? async () => token
        : tokenFilePath
          ? async () => readFileSync(tokenFilePath, 'utf8').trim()
          : () => githubIdToken(requestUrl!, requestToken!, audience);
      return new ClientAssertionCredential(signIn.tenantId, signIn.clientId, assertion);
    }
    case 'managedIdentity':
      return signIn.clientId ? new ManagedIdentityCredential({ clientId: signIn.clientId }) : new ManagedIdentityCredential();
    case 'azureCli':
      return new AzureCliCredential({ tenantId: signIn.tenantId, subscription: signIn.subscriptionId });
  }
}

/** The same lookup over a plain map of config (`azure-native:<name>` keys) and the environment. */
export function configGetter(config: (key: string) => string | undefined, env: NodeJS.ProcessEnv = process.env): ConfigGetter {
  return (configName, envName) => config(`azure-native:${configName}`) ?? env[envName];
}

/**
 * The program's check, in preview as in up: the sign-in azure-native would use, which the code
 * upload can follow, or a RunError naming what to set.
 */
export function readDeployerSignIn(env: NodeJS.ProcessEnv = process.env): SignIn {
  const native = new pulumi.Config('azure-native');
  try {
    const signIn = resolveSignIn(configGetter((key) => native.get(key.slice('azure-native:'.length)), env));
    if (signIn.method === 'clientCertificate') checkPemCertificate(signIn.certificatePath);
    return signIn;
  } catch (error) {
    if (error instanceof DeployerSignInError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
