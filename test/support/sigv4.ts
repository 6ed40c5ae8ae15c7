/**
 * SigV4 as AWS documents it, written out independently of the SDK, for the signed requests no
 * local S3 peer verifies (s3rver 3.7.1 leaves V4 signatures and POST policies "unimplemented",
 * lib/middleware/authentication.js and lib/controllers/object.js; fauxqs 1.9.2 checks neither).
 * - POST policy: the signature is HMAC(kSigning, base64 policy), where kSigning is derived from the
 *   secret, date, region and "s3" (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html).
 * - Presigned GET: the canonical request, string to sign and query parameters of
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
import { createHash, createHmac } from 'node:crypto';

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

export function signingKey(secret: string, date: string, region: string, service = 's3'): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** The X-Amz-Signature S3 expects on a POST whose form carries `policy` (base64). */
export function postPolicySignature(secret: string, fields: Record<string, string>): string {
  const [, date, region, service] = fields['X-Amz-Credential'].split('/');
  return hmac(signingKey(secret, date, region, service), fields.Policy).toString('hex');
}

/** RFC 3986 encoding as SigV4 requires: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded. */
const uriEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The X-Amz-Signature S3 expects on a presigned GET URL (only the host header signed). */
export function presignedGetSignature(secret: string, url: URL): string {
  const q = url.searchParams;
  const query = [...q.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`)
    .sort()
    .join('&');
  const signedHeaders = q.get('X-Amz-SignedHeaders')!;
  if (signedHeaders !== 'host') throw new Error(`this verifier signs only host, the URL signs ${signedHeaders}`);
  const canonicalRequest = ['GET', url.pathname, query, `host:${url.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const [, date, region, service] = q.get('X-Amz-Credential')!.split('/');
  const scope = q.get('X-Amz-Credential')!.split('/').slice(1).join('/');
  const stringToSign = ['AWS4-HMAC-SHA256', q.get('X-Amz-Date'), scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  return hmac(signingKey(secret, date, region, service), stringToSign).toString('hex');
}
