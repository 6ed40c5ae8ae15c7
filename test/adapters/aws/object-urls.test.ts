/**
 * S3ObjectUrls against s3rver: a presigned POST sent as a browser sends it (multipart/form-data,
 * plain fetch, no SDK) lands; a presigned GET reads the copy; listing pages with the images
 * function's metadata. s3rver does not verify SigV4 or POST policies (see test/support/sigv4.ts),
 * so what S3 would refuse is checked on the signed documents themselves, with AWS's documented
 * algorithm: the signature covers the policy, and the policy pins the bucket, key, content type,
 * size range and expiry (a tampered one no longer matches its signature).
 */
import { expect } from 'chai';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3ObjectUrls } from '../../../adapters/aws/ports/object-urls';
import { imageFixture } from '../../support/fixtures';
import { s3Peer, type S3Peer } from '../../support/aws-peers';
import { postPolicySignature, presignedGetSignature } from '../../support/sigv4';

const SECRET = 'S3RVER';
const JPEG = imageFixture('exif-orientation-Landscape_1.jpg');
const NOW = new Date('2026-03-04T05:06:07Z');

type Condition = Record<string, string> | [string, string | number, string | number];

describe('aws: signed uploads and downloads (S3ObjectUrls on s3rver)', function () {
  this.timeout(60_000);
  let peer: S3Peer;
  let urls: S3ObjectUrls;
  const buckets = { originals: `originals-${Date.now()}`, compressed: `compressed-${Date.now()}` };

  before(async () => {
    peer = await s3Peer();
    await peer.createBucket(buckets.originals);
    await peer.createBucket(buckets.compressed);
    urls = new S3ObjectUrls(peer.s3, buckets);
  });

  const permit = { key: 'alice/1-a.jpg', contentType: 'image/jpeg', maxBytes: JPEG.length };

  it('answers a presigned POST that a plain multipart form uploads into the originals bucket', async () => {
    const upload = await urls.signUpload({ ...permit, expiresAt: new Date(Date.now() + 300_000) });
    expect(upload.method).to.equal('POST');
    expect(upload.headers).to.deep.equal({});
    expect(upload.url).to.equal(`${peer.endpoint}/${buckets.originals}`);
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', new Blob([JPEG], { type: 'image/jpeg' }), 'a.jpg');
    const res = await fetch(upload.url, { method: 'POST', body: form });
    expect(res.status, await res.text()).to.equal(204);
    const stored = await peer.s3.send(new GetObjectCommand({ Bucket: buckets.originals, Key: permit.key }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(JPEG)).to.equal(true);
  });

  it('signs a policy that pins bucket, key, content type, the size range and the expiry', async () => {
    const clocked = new S3ObjectUrls(peer.s3, buckets, () => NOW);
    const { fields } = await clocked.signUpload({ ...permit, expiresAt: new Date(NOW.getTime() + 300_000) });
    expect(fields).to.include({ key: permit.key, 'Content-Type': 'image/jpeg', bucket: buckets.originals, 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' });
    const policy = JSON.parse(Buffer.from(fields.Policy, 'base64').toString('utf8')) as { expiration: string; conditions: Condition[] };
    // the SDK signs with its own clock; our expiry is relative to the permit's
    expect(new Date(policy.expiration).getTime() - Date.now()).to.be.within(200_000, 301_000);
    expect(policy.conditions).to.deep.include.members([
      { bucket: buckets.originals },
      { key: permit.key },
      ['content-length-range', 1, JPEG.length],
      ['eq', '$Content-Type', 'image/jpeg'],
    ]);
    expect(postPolicySignature(SECRET, fields)).to.equal(fields['X-Amz-Signature']);

    // what S3 refuses with SignatureDoesNotMatch: the same signature over a widened policy
    const widened = { ...policy, conditions: policy.conditions.map((c) => (Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 1, 10 ** 9] : c)) };
    const tampered = { ...fields, Policy: Buffer.from(JSON.stringify(widened)).toString('base64') };
    expect(postPolicySignature(SECRET, tampered)).to.not.equal(fields['X-Amz-Signature']);
    expect(postPolicySignature('another-secret', fields)).to.not.equal(fields['X-Amz-Signature']);
  });

  it('signs a GET URL of one compressed copy, for the time asked, that reads it', async () => {
    await peer.s3.send(new PutObjectCommand({ Bucket: buckets.compressed, Key: 'compressed/alice/1-a.jpg', Body: JPEG, ContentType: 'image/jpeg' }));
    const url = new URL(await urls.signDownload('compressed/alice/1-a.jpg', new Date(Date.now() + 900_000)));
    expect(url.pathname).to.equal(`/${buckets.compressed}/compressed/alice/1-a.jpg`);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).to.be.within(890, 900);
    expect(presignedGetSignature(SECRET, url)).to.equal(url.searchParams.get('X-Amz-Signature'));
    const retargeted = new URL(url.href.replace('/alice/', '/bob/'));
    expect(presignedGetSignature(SECRET, retargeted)).to.not.equal(url.searchParams.get('X-Amz-Signature'));
    const res = await fetch(url);
    expect(res.status).to.equal(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(JPEG)).to.equal(true);
  });

  it("lists a folder's copies in key order with their metadata, a page at a time", async () => {
    for (const n of [1, 2, 3]) {
      await peer.s3.send(new PutObjectCommand({ Bucket: buckets.compressed, Key: `compressed/carol/${n}.jpg`, Body: JPEG, Metadata: { width: String(n), height: '2', 'compressed-size': String(JPEG.length) } }));
    }
    await peer.s3.send(new PutObjectCommand({ Bucket: buckets.compressed, Key: 'compressed/carol2/1.jpg', Body: JPEG }));
    const first = await urls.listCopies('compressed/carol/', { limit: 2 });
    expect(first.copies.map((c) => [c.key, c.metadata.width, c.size])).to.deep.equal([['compressed/carol/1.jpg', '1', JPEG.length], ['compressed/carol/2.jpg', '2', JPEG.length]]);
    const second = await urls.listCopies('compressed/carol/', { limit: 2, cursor: first.nextCursor });
    expect(second.copies.map((c) => c.key)).to.deep.equal(['compressed/carol/3.jpg']);
    expect(second.nextCursor).to.equal(undefined);
    expect(await urls.headCopy('compressed/carol/9.jpg')).to.equal(undefined);
    try {
      await urls.listCopies('compressed/carol/', { limit: 2, cursor: Buffer.from('compressed/dave/').toString('base64url') });
      expect.fail('a cursor of another folder was accepted');
    } catch (err) {
      expect((err as Error).name).to.equal('InvalidCursorError');
    }
  });
});
