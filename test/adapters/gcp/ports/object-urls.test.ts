/**
 * GcsObjectUrls: V4 signed URLs made by `@google-cloud/storage`'s own signer through the IAM
 * Credentials `signBlob` call it makes in Cloud Functions (credentials with an account but no
 * private key), against a signBlob stand-in. No Cloud Storage emulator verifies signatures, so
 * each URL is checked against the canonical form Google documents (support/gcs-v4.ts): the
 * signature holds for the headers the client is told to send, and no longer holds once the URL or
 * a signed header is changed (another object, a wider size range, a later expiry, another type).
 * Listing and heads run against the JSON API stand-in.
 */
import { expect } from 'chai';
import { createRequire } from 'node:module';
import { Storage } from '@google-cloud/storage';
import { GcsObjectUrls } from '../../../../adapters/gcp/ports/object-urls';
import { startGcsStandIn, type GcsStandIn } from '../support/gcs-stand-in';
import { canonicalRequest, signatureHolds, startSignBlobStandIn, stringToSign, type SignBlobStandIn } from '../support/gcs-v4';

const ACCOUNT = 'mcf-users@multicloud-functions-test.iam.gserviceaccount.com';
const buckets = { originals: 'mcf-originals', compressed: 'mcf-compressed' };

// The library's own copy of google-auth-library, so that its `instanceof` checks hold.
const { OAuth2Client } = createRequire(require.resolve('@google-cloud/storage'))('google-auth-library') as typeof import('google-auth-library');

describe('gcp: V4 signed uploads and downloads (GcsObjectUrls)', function () {
  this.timeout(30_000);
  let iam: SignBlobStandIn;
  let gcs: GcsStandIn;
  let urls: GcsObjectUrls;
  let listing: GcsObjectUrls;

  before(async () => {
    iam = await startSignBlobStandIn();
    gcs = await startGcsStandIn([buckets.compressed]);
    process.env.METADATA_SERVER_DETECTION = 'none';
    // What Cloud Functions' credentials look like to the library: an account, a token, no key.
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: 'function-token', expiry_date: Date.now() + 3_600_000 });
    // typed from this package's google-auth-library; at run time it is the library's own class
    const asStorageAuth = authClient as unknown as NonNullable<ConstructorParameters<typeof Storage>[0]>['authClient'];
    // The client fixes its endpoint at construction, from STORAGE_EMULATOR_HOST when set: the GCP
    // functions' tests leave it set for the whole run (support/functions-env.ts), and a signer
    // built under it would sign URLs to the stand-in instead of storage.googleapis.com.
    const previous = process.env.STORAGE_EMULATOR_HOST;
    try {
      delete process.env.STORAGE_EMULATOR_HOST;
      const signing = new Storage({ projectId: 'multicloud-functions-test', credentials: { client_email: ACCOUNT }, authClient: asStorageAuth });
      urls = new GcsObjectUrls(() => signing, buckets, { signingEndpoint: iam.endpoint });
      process.env.STORAGE_EMULATOR_HOST = gcs.endpoint;
      const api = new Storage({ projectId: 'multicloud-functions-test' });
      listing = new GcsObjectUrls(() => api, buckets);
    } finally {
      if (previous === undefined) delete process.env.STORAGE_EMULATOR_HOST;
      else process.env.STORAGE_EMULATOR_HOST = previous;
    }
  });
  after(async () => {
    await iam?.close();
    await gcs?.close();
  });

  it('signs a create-only PUT with the content type and x-goog-content-length-range, through signBlob as the function account', async () => {
    iam.calls.length = 0;
    const upload = await urls.signUpload({ key: 'alice/1-a photo.jpg', contentType: 'image/jpeg', maxBytes: 1234, expiresAt: new Date(Date.now() + 300_000) });
    expect(upload).to.deep.include({ method: 'PUT', fields: {} });
    expect(upload.headers).to.deep.equal({ 'content-type': 'image/jpeg', 'x-goog-content-length-range': '1,1234', 'x-goog-if-generation-match': '0' });
    const url = new URL(upload.url);
    expect(`${url.origin}${url.pathname}`).to.equal('https://storage.googleapis.com/mcf-originals/alice/1-a%20photo.jpg');
    const q = url.searchParams;
    expect(q.get('X-Goog-Algorithm')).to.equal('GOOG4-RSA-SHA256');
    expect(q.get('X-Goog-Credential')).to.match(new RegExp(`^${ACCOUNT}/\\d{8}/auto/storage/goog4_request$`));
    expect(q.get('X-Goog-SignedHeaders')).to.equal('content-type;host;x-goog-content-length-range;x-goog-if-generation-match');
    expect(Number(q.get('X-Goog-Expires'))).to.be.within(290, 300);

    // the library asked IAM Credentials to sign exactly Google's string to sign, as the account, with its token
    expect(iam.calls).to.have.length(1);
    expect(iam.calls[0]).to.deep.include({ account: ACCOUNT, authorization: 'Bearer function-token' });
    expect(iam.calls[0].payload).to.equal(stringToSign(url, canonicalRequest('PUT', url, upload.headers)));
    expect(signatureHolds(iam.publicKey, 'PUT', url, upload.headers)).to.equal(true);

    // what Cloud Storage refuses with SignatureDoesNotMatch
    expect(signatureHolds(iam.publicKey, 'PUT', url, { ...upload.headers, 'x-goog-content-length-range': '1,999999999' }), 'a wider range').to.equal(false);
    expect(signatureHolds(iam.publicKey, 'PUT', url, { ...upload.headers, 'content-type': 'image/png' }), 'another type').to.equal(false);
    expect(signatureHolds(iam.publicKey, 'GET', url, upload.headers), 'another method').to.equal(false);
    const elsewhere = new URL(upload.url.replace('/alice/', '/bob/'));
    expect(signatureHolds(iam.publicKey, 'PUT', elsewhere, upload.headers), 'another object').to.equal(false);
    const later = new URL(upload.url);
    later.searchParams.set('X-Goog-Expires', '604800');
    expect(signatureHolds(iam.publicKey, 'PUT', later, upload.headers), 'a later expiry').to.equal(false);
  });

  it('signs a GET of one compressed copy', async () => {
    const url = new URL(await urls.signDownload('compressed/alice/1-a.jpg', new Date(Date.now() + 900_000)));
    expect(url.pathname).to.equal('/mcf-compressed/compressed/alice/1-a.jpg');
    expect(url.searchParams.get('X-Goog-SignedHeaders')).to.equal('host');
    expect(signatureHolds(iam.publicKey, 'GET', url, {})).to.equal(true);
    expect(signatureHolds(iam.publicKey, 'PUT', url, {})).to.equal(false);
  });

  it("lists a folder's copies with their custom metadata, a page at a time", async () => {
    const resource = (name: string, width: string) => ({ resource: { kind: 'storage#object', name, bucket: buckets.compressed, size: '42', metadata: { width, 'compressed-size': '42' } }, bytes: Buffer.alloc(42) });
    for (const n of ['1', '2', '3']) gcs.objects.set(`${buckets.compressed}/compressed/carol/${n}.jpg`, resource(`compressed/carol/${n}.jpg`, n));
    gcs.objects.set(`${buckets.compressed}/compressed/carol2/1.jpg`, resource('compressed/carol2/1.jpg', '9'));
    const first = await listing.listCopies('compressed/carol/', { limit: 2 });
    expect(first.copies).to.deep.equal([
      { key: 'compressed/carol/1.jpg', size: 42, metadata: { width: '1', 'compressed-size': '42' } },
      { key: 'compressed/carol/2.jpg', size: 42, metadata: { width: '2', 'compressed-size': '42' } },
    ]);
    const second = await listing.listCopies('compressed/carol/', { limit: 2, cursor: first.nextCursor });
    expect(second.copies.map((c) => c.key)).to.deep.equal(['compressed/carol/3.jpg']);
    expect(second.nextCursor).to.equal(undefined);
    expect((await listing.headCopy('compressed/carol/2.jpg'))?.metadata.width).to.equal('2');
    expect(await listing.headCopy('compressed/carol/9.jpg')).to.equal(undefined);
    try {
      await listing.listCopies('compressed/carol/', { limit: 2, cursor: 'not-a-token' });
      expect.fail('a token the store did not issue was accepted');
    } catch (err) {
      expect((err as Error).name).to.equal('InvalidCursorError');
    }
  });
});
