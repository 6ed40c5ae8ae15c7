/**
 * Google's V4 signing written out from its documentation, independently of `@google-cloud/storage`
 * (no Cloud Storage emulator verifies signatures), to check the URLs the library signs:
 * - canonical request: https://cloud.google.com/storage/docs/authentication/canonical-requests
 * - string to sign and signature: https://cloud.google.com/storage/docs/authentication/signatures
 * And a stand-in for the IAM Credentials API's `signBlob`, which the library calls when its
 * credentials hold no private key (Cloud Functions):
 * https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/signBlob
 */
import { createHash, createVerify, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** Percent-encoding of the canonical form: everything but A-Z a-z 0-9 - . _ ~ (and `/` in paths). */
const encode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The canonical request of a signed URL, as Google rebuilds it, with the headers the client sends. */
export function canonicalRequest(method: string, url: URL, headers: Record<string, string>): string {
  const query = [...url.searchParams.entries()]
    .filter(([name]) => name !== 'X-Goog-Signature')
    .map(([name, value]) => `${encode(name)}=${encode(value)}`)
    .sort()
    .join('&');
  const all: Record<string, string> = { host: url.host };
  for (const [name, value] of Object.entries(headers)) all[name.toLowerCase()] = value.trim().replace(/\s+/g, ' ');
  const names = Object.keys(all).sort();
  const path = decodeURIComponent(url.pathname).split('/').map(encode).join('/');
  return [method, path, query, ...names.map((n) => `${n}:${all[n]}`), '', names.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
}

export function stringToSign(url: URL, canonical: string): string {
  const credential = url.searchParams.get('X-Goog-Credential')!;
  const scope = credential.split('/').slice(1).join('/');
  return ['GOOG4-RSA-SHA256', url.searchParams.get('X-Goog-Date'), scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
}

/** True when the URL's X-Goog-Signature is the RSA-SHA256 signature of its string to sign. */
export function signatureHolds(publicKey: KeyObject, method: string, url: URL, headers: Record<string, string>): boolean {
  const verifier = createVerify('RSA-SHA256');
  verifier.update(stringToSign(url, canonicalRequest(method, url, headers)));
  return verifier.verify(publicKey, Buffer.from(url.searchParams.get('X-Goog-Signature') ?? '', 'hex'));
}

export interface SignBlobStandIn {
  /** The `signingEndpoint` to hand the library: `<base>/v1/projects/-/serviceAccounts/`. */
  endpoint: string;
  publicKey: KeyObject;
  /** Each call: the account in the path, the bearer token, the decoded payload. */
  calls: { account: string; authorization?: string; payload: string }[];
  close(): Promise<void>;
}

/** signBlob with a fresh RSA key: `POST .../serviceAccounts/{account}:signBlob {payload}` -> `{keyId, signedBlob}`. */
export async function startSignBlobStandIn(): Promise<SignBlobStandIn> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const calls: SignBlobStandIn['calls'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/v1\/projects\/-\/serviceAccounts\/([^/]+):signBlob$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !m) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":404,"status":"NOT_FOUND"}}');
        return;
      }
      const { payload } = JSON.parse(Buffer.concat(chunks).toString()) as { payload: string };
      const bytes = Buffer.from(payload, 'base64');
      calls.push({ account: decodeURIComponent(m[1]), authorization: req.headers.authorization, payload: bytes.toString('utf8') });
      const signedBlob = sign('RSA-SHA256', bytes, privateKey as KeyObject).toString('base64');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keyId: 'test-key-1', signedBlob }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}/v1/projects/-/serviceAccounts/`,
    publicKey,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
