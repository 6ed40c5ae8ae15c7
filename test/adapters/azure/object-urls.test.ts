/**
 * AzureObjectUrls against Azurite with Entra authentication: the adapter asks for a user
 * delegation key with a bearer token (no account key anywhere), and Azurite verifies the SAS it
 * signs. A signed upload sent as a browser sends it (plain fetch, no SDK) lands; an expired one,
 * a tampered one, one for another blob, a second write to the same blob and a download SAS used
 * to write are refused by the store itself. A SAS cannot limit size or content type: Azurite
 * stores what it is given, and the images function refuses an oversize original before
 * downloading it (test/handlers/images/refusals.test.ts).
 */
import { expect } from 'chai';
import type { BlobServiceClient } from '@azure/storage-blob';
import { AzureObjectUrls } from '../../../adapters/azure/ports/object-urls';
import { loadStorageBlob } from '../../../adapters/azure/sdk';
import { imageFixture } from '../../support/fixtures';
import { startAzuriteWithOAuth, type AzuriteWithOAuth } from '../../support/azurite-oauth';

const JPEG = imageFixture('exif-orientation-Landscape_1.jpg');
const containers = { originals: 'originals', compressed: 'compressed' };
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);

describe('azure: user delegation SAS uploads and downloads (AzureObjectUrls on Azurite with OAuth)', function () {
  this.timeout(90_000);
  let azurite: AzuriteWithOAuth | undefined;
  let service: BlobServiceClient;
  let urls: AzureObjectUrls;
  let tlsCheck: string | undefined;

  before(async function () {
    const started = await startAzuriteWithOAuth();
    if (typeof started === 'string') {
      console.warn(`    skipped: ${started}`);
      this.skip();
    }
    azurite = started;
    // Azurite's self-signed certificate: checks off for this suite only, restored in `after`.
    tlsCheck = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    service = new (loadStorageBlob().BlobServiceClient)(azurite.blobServiceUrl, azurite.credential);
    for (const name of Object.values(containers)) await service.getContainerClient(name).create();
    urls = new AzureObjectUrls(() => service, containers);
  });
  after(async () => {
    if (tlsCheck === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = tlsCheck;
    await azurite?.stop();
  });

  const permit = (key: string, expiresAt = inMinutes(5)) => urls.signUpload({ key, contentType: 'image/jpeg', maxBytes: JPEG.length, expiresAt });
  const put = (upload: { url: string; headers: Record<string, string> }, url = upload.url) => fetch(url, { method: 'PUT', headers: upload.headers, body: JPEG });
  const exists = (container: string, key: string) => service.getContainerClient(container).getBlobClient(key).exists();

  it('signs a create-only SAS for one blob with a user delegation key, which a plain PUT uses', async () => {
    const upload = await permit('alice/1-a.jpg');
    expect(upload).to.deep.include({ method: 'PUT', fields: {} });
    expect(upload.headers).to.include({ 'x-ms-blob-type': 'BlockBlob', 'x-ms-blob-content-type': 'image/jpeg' });
    const sas = new URL(upload.url).searchParams;
    expect(sas.get('sp')).to.equal('c');
    expect(sas.get('sr')).to.equal('b');
    expect(sas.get('spr')).to.equal('https');
    expect(sas.get('skoid'), 'signed with a delegation key, not the account key').to.be.a('string').and.not.equal('');
    const res = await put(upload);
    expect(res.status, await res.text()).to.equal(201);
    const props = await service.getContainerClient('originals').getBlobClient('alice/1-a.jpg').getProperties();
    expect(props.contentType).to.equal('image/jpeg');
    expect(props.contentLength).to.equal(JPEG.length);
  });

  it('is refused by the store when expired, tampered, moved to another blob or used twice', async () => {
    const expired = await permit('alice/2-expired.jpg', new Date(Date.now() - 60_000));
    expect((await put(expired)).status).to.equal(403);
    expect(await exists('originals', 'alice/2-expired.jpg')).to.equal(false);

    const upload = await permit('alice/3-a.jpg');
    const later = new URL(upload.url);
    later.searchParams.set('se', inMinutes(600).toISOString().replace(/\.\d+Z$/, 'Z'));
    expect((await put(upload, later.href)).status).to.equal(403);
    const widened = new URL(upload.url);
    widened.searchParams.set('sp', 'rcw');
    expect((await put(upload, widened.href)).status).to.equal(403);
    const elsewhere = upload.url.replace('/alice/3-a.jpg?', '/bob/3-a.jpg?');
    expect((await put(upload, elsewhere)).status).to.equal(403);
    expect(await exists('originals', 'bob/3-a.jpg')).to.equal(false);

    expect((await put(upload)).status).to.equal(201);
    // `c` creates; it does not overwrite (the store answers 403 AuthorizationPermissionMismatch)
    expect((await put(upload)).status).to.be.oneOf([403, 409]);
  });

  it('signs a read-only SAS for one compressed copy', async () => {
    await service.getContainerClient('compressed').getBlockBlobClient('compressed/alice/1-a.jpg').uploadData(JPEG, { blobHTTPHeaders: { blobContentType: 'image/jpeg' } });
    const url = await urls.signDownload('compressed/alice/1-a.jpg', inMinutes(15));
    expect(new URL(url).searchParams.get('sp')).to.equal('r');
    const res = await fetch(url);
    expect(res.status).to.equal(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(JPEG)).to.equal(true);
    expect((await fetch(url.replace('/alice/', '/bob/'))).status).to.equal(403);
    expect((await fetch(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: JPEG })).status).to.equal(403);
  });

  it("lists a folder's copies with their metadata, a page at a time", async () => {
    const container = service.getContainerClient('compressed');
    for (const n of [1, 2, 3]) {
      await container.getBlockBlobClient(`compressed/carol/${n}.jpg`).uploadData(JPEG, { metadata: { width: String(n), compressed_size: String(JPEG.length) } });
    }
    await container.getBlockBlobClient('compressed/carol2/1.jpg').uploadData(JPEG);
    const first = await urls.listCopies('compressed/carol/', { limit: 2 });
    expect(first.copies.map((c) => [c.key, c.metadata.width, c.metadata['compressed-size']])).to.deep.equal([
      ['compressed/carol/1.jpg', '1', String(JPEG.length)],
      ['compressed/carol/2.jpg', '2', String(JPEG.length)],
    ]);
    const second = await urls.listCopies('compressed/carol/', { limit: 2, cursor: first.nextCursor });
    expect(second.copies.map((c) => c.key)).to.deep.equal(['compressed/carol/3.jpg']);
    expect(second.nextCursor).to.equal(undefined);
    expect(await urls.headCopy('compressed/carol/9.jpg')).to.equal(undefined);
    expect((await urls.headCopy('compressed/carol/1.jpg'))?.metadata.width).to.equal('1');
  });
});
