/**
 * ObjectUrlsOnFirstUse: the users wiring's ObjectUrls that loads the S3 signing path on the first
 * call (adapters/aws/ports/object-urls-on-first-use.ts). Once loaded it is reused; a failed load
 * is retried on the next call. The wiring's own loader, run from source, signs an upload with
 * the S3 adapter (a presigned POST is signed locally: no peer needed).
 */
import { expect } from 'chai';
import { ObjectUrlsOnFirstUse } from '../../../adapters/aws/ports/object-urls-on-first-use';
import { usersWiring } from '../../../adapters/aws/wiring';
import type { ObjectUrls } from '../../../handlers/ports/object-urls';
import { MemoryObjectUrls } from '../../support/memory';

const permit = { key: 'alice/1-a.jpg', contentType: 'image/jpeg', maxBytes: 1000, expiresAt: new Date(Date.now() + 300_000) };

describe('aws: ObjectUrls loaded on first use', () => {
  it('loads nothing until a method is called, then loads once and passes every call through', async () => {
    const real = new MemoryObjectUrls();
    real.addCopy('alice/1.jpg', { width: '800' });
    let loads = 0;
    const urls = new ObjectUrlsOnFirstUse(() => {
      loads++;
      return real;
    });
    expect(loads).to.equal(0);
    const [upload, download, head, page] = await Promise.all([
      urls.signUpload(permit),
      urls.signDownload('alice/1.jpg', permit.expiresAt),
      urls.headCopy('alice/1.jpg'),
      urls.listCopies('alice/', { limit: 10 }),
    ]);
    expect(loads, 'one load for the four first calls').to.equal(1);
    expect(upload).to.deep.equal(await real.signUpload(permit));
    expect(download).to.equal(await real.signDownload('alice/1.jpg', permit.expiresAt));
    expect(head).to.deep.equal({ key: 'alice/1.jpg', size: 1000, metadata: { width: '800' } });
    expect(page.copies.map((c) => c.key)).to.deep.equal(['alice/1.jpg']);
    await urls.headCopy('alice/2.jpg');
    expect(loads).to.equal(1);
  });

  it('fails the call whose load fails, and loads again on the next', async () => {
    let attempts = 0;
    const urls = new ObjectUrlsOnFirstUse((): ObjectUrls => {
      if (++attempts === 1) throw new Error('Cannot find module ./object-urls.js');
      return new MemoryObjectUrls();
    });
    let failure: unknown;
    await urls.signDownload('k', permit.expiresAt).catch((err: unknown) => (failure = err));
    expect(String(failure)).to.match(/object-urls\.js/);
    expect(await urls.signDownload('k', permit.expiresAt)).to.match(/^memory:\/\/compressed\/k/);
    expect(attempts).to.equal(2);
  });

  it("usersWiring's loader signs an upload with the S3 adapter (a presigned POST to the originals bucket)", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
    try {
      const { deps } = usersWiring({ USERS_TABLE: 'users', ORIGINALS_BUCKET: 'originals', COMPRESSED_BUCKET: 'compressed' });
      expect(deps.objectUrls).to.be.instanceOf(ObjectUrlsOnFirstUse);
      const upload = await deps.objectUrls!.signUpload(permit);
      expect(upload.method).to.equal('POST');
      expect(upload.url).to.equal('https://originals.s3.eu-west-1.amazonaws.com/');
      expect(upload.fields).to.include({ key: permit.key, 'Content-Type': 'image/jpeg', bucket: 'originals' });
      expect(upload.fields['X-Amz-Credential']).to.match(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    } finally {
      for (const k of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
    }
  });
});
