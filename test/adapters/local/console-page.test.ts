/**
 * The console page in a real headless browser (Debian's chromium through playwright-core):
 * an image uploaded through the API shows up as a thumbnail, decoded by the browser.
 */
import { expect } from 'chai';
import type { BrowserContext } from 'playwright-core';
import { fixturePath, imageFixture } from '../../support/fixtures';
import { consoleBrowser, decodedImage, keepScreenshot, type ConsoleBrowser } from './console-browser';
import { eventually, getJson, type LocalServer } from './local-server';

describe('local console page in headless chromium', function () {
  this.timeout(120_000);
  let cb: ConsoleBrowser | undefined;
  let server: LocalServer;
  let browser: BrowserContext;

  before(async function () {
    cb = await consoleBrowser(this, { width: 1400, height: 1000 });
    ({ server, browser } = cb);
  });
  after(async () => {
    await cb?.stop();
  });

  it('shows the thumbnail of an uploaded image, with the seeded stock and users', async () => {
    const key = 'console/Landscape 6.jpg';
    const put = await fetch(`${server.base}/buckets/originals/${key.split('/').map(encodeURIComponent).join('/')}`, {
      method: 'PUT',
      body: imageFixture('exif-orientation-Landscape_6.jpg'),
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(put.status).to.equal(200);

    const page = await browser.newPage();
    await page.goto(`${server.base}/`);
    const thumbnail = page.locator(`img[data-key="${key}"]`);
    await thumbnail.waitFor({ state: 'visible', timeout: 60_000 });
    const natural = await decodedImage(thumbnail, 'the thumbnail to decode');
    // Landscape_6 is stored rotated; the compressed copy is upright, so wider than tall
    expect(natural.width).to.be.greaterThan(natural.height);
    expect(await page.locator('#stock').innerText()).to.contain('espresso-beans-1kg');
    expect(await page.locator('#users').innerText()).to.contain('ada@example.com');

    await keepScreenshot(page, 'local-console.png');
  });

  it('uploads as a user through the signed flow (no bucket route) and shows the thumbnail from its signed URL', async () => {
    const page = await browser.newPage();
    const sent: string[] = [];
    page.on('request', (request) => sent.push(`${request.method()} ${new URL(request.url()).pathname}`));
    await page.goto(`${server.base}/`);
    await page.locator('#upload-user option[value="demo-grace"]').waitFor({ state: 'attached', timeout: 30_000 });
    await page.selectOption('#upload-user', 'demo-grace');
    await page.setInputFiles('#upload-file', fixturePath('images', 'png-rgba-8bit-basn6a08.png'));
    await page.getByRole('button', { name: 'Upload' }).click();
    const thumbnail = page.locator('#user-images img[data-image-key^="compressed/demo-grace/"]');
    await thumbnail.waitFor({ state: 'visible', timeout: 60_000 });
    const img = await decodedImage(thumbnail, 'the signed thumbnail to decode');
    expect(img.src).to.match(/\/signed\/compressed\/compressed\/demo-grace\/.*-png-rgba-8bit-basn6a08\.png\?X-Expires=\d+&X-Signature=[0-9a-f]{64}$/);
    expect(sent).to.include('POST /users/demo-grace/uploads');
    expect(sent.some((r) => /^PUT \/signed\/originals\/demo-grace\//.test(r))).to.equal(true);
    expect(sent.some((r) => r.startsWith('PUT /buckets/'))).to.equal(false);
    expect(await page.locator('#upload-result').innerText()).to.match(/^uploaded demo-grace\//);
  });

  it('replays a dead letter with its redrive button (POST /dead-letters/{id}/redrive)', async () => {
    // a corrupt upload: the images function dead-letters it at once
    const put = await fetch(`${server.base}/buckets/originals/console-broken.jpg`, { method: 'PUT', body: 'not a jpeg', headers: { 'content-type': 'image/jpeg' } });
    expect(put.status).to.equal(200);
    type Letters = { dead_letters: { id: number; object_key?: string }[] };
    const letterOf = async () => (await getJson<Letters>(`${server.base}/dead-letters`)).body.dead_letters.find((l) => l.object_key === 'console-broken.jpg');
    const first = await eventually(letterOf, 'the dead letter');
    const page = await browser.newPage();
    await page.goto(`${server.base}/`);
    await page.locator(`button[data-redrive="${first.id}"]`).click();
    // replayed: the letter left the table, and the image (still corrupt) came back as a new one
    const again = await eventually(async () => {
      const letter = await letterOf();
      return letter && letter.id !== first.id ? letter : undefined;
    }, 'the replayed letter');
    expect(again.id).to.be.greaterThan(first.id);
    expect((await getJson<Letters>(`${server.base}/dead-letters`)).body.dead_letters.some((l) => l.id === first.id)).to.equal(false);
  });
});
