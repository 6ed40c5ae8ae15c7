/**
 * Issue 19, defects 3 and 4, in process over a fresh data directory:
 * - uploads stream to disk and at most `maxConcurrentUploads` are stored at once; one more is
 *   answered 503 problem+json with Retry-After (the memory this saves is measured by
 *   `npm run bench:upload-memory`, not asserted here);
 * - objects are served with `nosniff`, as attachments unless they are raster images;
 * - a request whose Host is not the server's own address (DNS rebinding) is refused.
 */
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type ClientRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createLocalServer } from '../../../adapters/local/server';
import { answerOf, safeList, type Answer } from './raw-http';
import { localHarness, type LocalHarness } from './local-harness';

describe('local server: uploads, serving objects and the Host check (in process)', function () {
  this.timeout(60_000);
  let h: LocalHarness;
  let server: Server;
  let port: number;

  before(async () => {
    h = localHarness({ IMAGES_MAX_OBJECT_BYTES: String(8 * 1024 * 1024) });
    server = createLocalServer(h.ports, { maxConcurrentUploads: 1 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    h.dispose();
  });

  function open(method: string, path: string, headers: Record<string, string> = {}): ClientRequest {
    return httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false });
  }

  async function send(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Answer> {
    const req = open(method, path, headers);
    const answer = answerOf(req);
    req.end(body);
    return answer;
  }

  it('answers 503 problem+json with Retry-After to an upload above the bound, and stores the one in progress', async () => {
    const slow = open('PUT', '/buckets/originals/slow.bin', { 'content-type': 'application/octet-stream' });
    const slowAnswer = answerOf(slow);
    const first = randomBytes(64 * 1024);
    slow.write(first);
    // the slow upload holds the only slot once its handler runs: wait until its temporary file exists
    const folder = join(h.dataDir, 'buckets', 'originals');
    for (let i = 0; i < 200 && !safeList(folder).some((n) => n.startsWith('.tmp-')); i++) await new Promise((r) => setTimeout(r, 10));

    const refused = await send('PUT', '/buckets/originals/second.bin', { 'content-type': 'application/octet-stream' }, Buffer.from('second'));
    expect(refused.status, refused.text).to.equal(503);
    expect(refused.headers['content-type']).to.equal('application/problem+json');
    expect(Number(refused.headers['retry-after'])).to.be.at.least(1);
    expect(await h.ports.blobs.head('originals', 'second.bin'), 'the refused upload stored nothing').to.equal(undefined);

    const rest = randomBytes(3 * 1024 * 1024);
    slow.end(rest);
    const stored = await slowAnswer;
    expect(stored.status, stored.text).to.equal(200);
    const whole = Buffer.concat([first, rest]);
    // hashed while streaming: the etag is the MD5 of every byte, and the size is right
    expect(JSON.parse(stored.text)).to.include({ size: whole.length, etag: createHash('md5').update(whole).digest('hex') });
    const got = await h.ports.blobs.get('originals', 'slow.bin');
    expect(Buffer.from(got!.bytes).equals(whole)).to.equal(true);

    // the slot is free again
    const after = await send('PUT', '/buckets/originals/second.bin', {}, Buffer.from('second'));
    expect(after.status, after.text).to.equal(200);
  });

  it('refuses a chunked upload past the size limit with 413 and leaves neither the object nor a temporary file', async () => {
    const req = open('PUT', '/buckets/originals/too-big.bin', { 'content-type': 'application/octet-stream' });
    const answer = answerOf(req);
    for (let i = 0; i < 9; i++) req.write(randomBytes(1024 * 1024));
    req.end();
    const { status, headers } = await answer;
    expect(status).to.equal(413);
    expect(headers['content-type']).to.equal('application/problem+json');
    expect(await h.ports.blobs.head('originals', 'too-big.bin')).to.equal(undefined);
    for (let i = 0; i < 100 && safeList(join(h.dataDir, 'buckets', 'originals')).some((n) => n.startsWith('.tmp-')); i++) await new Promise((r) => setTimeout(r, 10));
    expect(safeList(join(h.dataDir, 'buckets', 'originals')).filter((n) => n.startsWith('.tmp-'))).to.deep.equal([]);
  });

  it('serves an uploaded HTML page as a nosniff attachment that may run nothing, and an image inline', async () => {
    await send('PUT', '/buckets/originals/page.html', { 'content-type': 'text/html' }, Buffer.from('<script>alert(1)</script>'));
    const page = await send('GET', '/buckets/originals/page.html');
    expect(page.status).to.equal(200);
    expect(page.headers['x-content-type-options']).to.equal('nosniff');
    expect(page.headers['content-disposition']).to.match(/^attachment; filename\*=UTF-8''page\.html$/);
    expect(page.headers['content-security-policy']).to.include('sandbox');

    // SVG is a document that can carry script: an attachment too
    await send('PUT', '/buckets/originals/logo.svg', { 'content-type': 'image/svg+xml' }, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'));
    expect((await send('GET', '/buckets/originals/logo.svg')).headers['content-disposition']).to.match(/^attachment/);

    await send('PUT', '/buckets/originals/photo.png', { 'content-type': 'image/png' }, Buffer.from('not really a png'));
    const image = await send('HEAD', '/buckets/originals/photo.png');
    expect(image.status).to.equal(200);
    expect(image.headers['x-content-type-options']).to.equal('nosniff');
    expect(image.headers['content-disposition']).to.match(/^inline/);
    expect(image.text).to.equal('');
  });

  it('refuses a request whose Host is another name (DNS rebinding) with 421, and answers 127.0.0.1 and localhost on its port', async () => {
    for (const host of ['attacker.example', `attacker.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `localhost.attacker.example:${port}`]) {
      const answer = await send('GET', '/users', { host });
      expect(answer.status, host).to.equal(421);
      expect(answer.headers['content-type'], host).to.equal('application/problem+json');
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const answer = await send('GET', '/users', { host });
      expect(answer.status, host).to.equal(200);
      expect(answer.headers['x-content-type-options'], 'every answer is nosniff').to.equal('nosniff');
    }
    const page = await send('GET', '/');
    expect(page.headers['content-security-policy']).to.equal("frame-ancestors 'none'");
  });
});
