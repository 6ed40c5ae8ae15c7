/**
 * Azurite's blob service with Entra (OAuth) authentication on, for user delegation SAS: Get User
 * Delegation Key needs a bearer token, and Azurite accepts bearer tokens only over HTTPS and with
 * `--oauth basic` (it checks issuer, audience and lifetime, not the token's signature). A fresh
 * self-signed certificate (openssl) is made per run; the suite that uses it turns certificate
 * checks off for its own duration only (Azurite's certificate cannot be trusted otherwise without
 * restarting Node with NODE_EXTRA_CA_CERTS).
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { azuriteBin } from './azure-peers';
import { freePort, installed, startProcess, type RunningProcess } from './processes';

export const AZURITE_ACCOUNT = 'devstoreaccount1';

export interface AzuriteWithOAuth {
  /** https://127.0.0.1:<port>/devstoreaccount1 */
  blobServiceUrl: string;
  /** A credential whose tokens Azurite takes as the app's managed identity's. */
  credential: TokenCredential;
  stop(): Promise<void>;
}

/** Undefined (with the reason) when Azurite or openssl is missing. */
export async function startAzuriteWithOAuth(): Promise<AzuriteWithOAuth | string> {
  if (!installed(azuriteBin)) return 'azurite is not installed (npm ci)';
  if (!installed('/usr/bin/openssl')) return 'openssl is not installed (apt-get install openssl)';
  const dir = mkdtempSync(join(tmpdir(), 'azurite-oauth-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const port = await freePort();
  let proc: RunningProcess;
  try {
    proc = await startProcess(azuriteBin.replace(/azurite$/, 'azurite-blob'), [
      '--inMemoryPersistence', '--skipApiVersionCheck', '--silent', '--blobHost', '127.0.0.1', '--blobPort', String(port),
      '--oauth', 'basic', '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'),
    ], port);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // The shape of an Entra access token for Storage; tid and oid are what the delegation key binds to.
  const tenant = randomUUID();
  const objectId = randomUUID();
  const secret = new TextEncoder().encode(randomUUID());
  const credential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ oid: objectId, tid: tenant })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(`https://sts.windows.net/${tenant}/`)
        .setAudience('https://storage.azure.com')
        .setIssuedAt(now)
        .setNotBefore(now - 60)
        .setExpirationTime(now + 3600)
        .sign(secret);
      return { token, expiresOnTimestamp: (now + 3600) * 1000 };
    },
  };
  return {
    blobServiceUrl: `https://127.0.0.1:${port}/${AZURITE_ACCOUNT}`,
    credential,
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
