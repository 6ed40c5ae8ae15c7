/**
 * The console page in a real headless browser (Debian's chromium through playwright-core):
 * an image uploaded through the API shows up as a thumbnail, decoded by the browser.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { fixturePath, imageFixture, repoRoot } from '../../support/fixtures';
import { installed } from '../../support/processes';
import { eventually, getJson, startLocalServer, type LocalServer } from './local-server';

const CHROMIUM = '/usr/bin/chromium';

describe('local console page in headless chromium', function () {
  this.timeout(120_000);
  let dataDir: string;
  let profile: string;
  let server: LocalServer | undefined;
  let browser: BrowserContext | undefined;

  before(async function () {
    if (!installed(CHROMIUM)) {
      console.warn(`    skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);
      this.skip();
    }
    dataDir = mkdtempSync(join(tmpdir(), 'local-console-'));
    profile = mkdtempSync(join(tmpdir(), 'local-console-profile-'));
    server = await startLocalServer(dataDir, {}, ['--seed']);
    // a fresh profile per run (the persistent context is how playwright takes --user-data-dir)
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1400, height: 1000 },
      // playwright adds --headless itself; the rest keep chromium from reaching the network
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows the thumbnail of an uploaded image, with the seeded stock and users', async () => {
    const key = 'console/Landscape 6.jpg';
    const put = await fetch(`${server!.base}/buckets/originals/${key.split('/').map(encodeURIComponent).join('/')}`, {
      method: 'PUT',
      body: imageFixture('exif-orientation-Landscape_6.jpg'),
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(put.status).to.equal(200);

    const page = await browser!.newPage();
    await page.goto(`${server!.base}/`);
    const thumbnail = page.locator(`img[data-key="${key}"]`);
    await thumbnail.waitFor({ state: 'visible', timeout: 60_000 });
    // decoded by the browser, not merely present in the DOM
    type Decoded = { complete: boolean; naturalWidth: number; naturalHeight: number };
    const natural = await eventually(async () => {
      const img = await thumbnail.evaluate((node) => {
        const i = node as unknown as Decoded;
        return { complete: i.complete, width: i.naturalWidth, height: i.naturalHeight };
      });
      return img.complete && img.width > 0 ? img : undefined;
    }, 'the thumbnail to decode', 30_000);
    // Landscape_6 is stored rotated; the compressed copy is upright, so wider than tall
    expect(natural.width).to.be.greaterThan(natural.height);
    expect(await page.locator('#stock').innerText()).to.contain('espresso-beans-1kg');
    expect(await page.locator('#users').innerText()).to.contain('ada@example.com');

    const artifacts = join(repoRoot, 'test', 'artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'local-console.png'), fullPage: true });
  });

  it('uploads as a user through the signed flow (no bucket route) and shows the thumbnail from its signed URL', async () => {
    const page = await browser!.newPage();
    const sent: string[] = [];
    page.on('request', (request) => sent.push(`${request.method()} ${new URL(request.url()).pathname}`));
    await page.goto(`${server!.base}/`);
    await page.locator('#upload-user option[value="demo-grace"]').waitFor({ state: 'attached', timeout: 30_000 });
    await page.selectOption('#upload-user', 'demo-grace');
    await page.setInputFiles('#upload-file', fixturePath('images', 'png-rgba-8bit-basn6a08.png'));
    await page.getByRole('button', { name: 'Upload' }).click();
    const thumbnail = page.locator('#user-images img[data-image-key^="compressed/demo-grace/"]');
    await thumbnail.waitFor({ state: 'visible', timeout: 60_000 });
    type Decoded = { complete: boolean; naturalWidth: number; src: string };
    const img = await eventually(async () => {
      const i = await thumbnail.evaluate((node) => {
        const d = node as unknown as Decoded;
        return { complete: d.complete, width: d.naturalWidth, src: d.src };
      });
      return i.complete && i.width > 0 ? i : undefined;
    }, 'the signed thumbnail to decode', 30_000);
    expect(img.src).to.match(/\/signed\/compressed\/compressed\/demo-grace\/.*-png-rgba-8bit-basn6a08\.png\?X-Expires=\d+&X-Signature=[0-9a-f]{64}$/);
    expect(sent).to.include('POST /users/demo-grace/uploads');
    expect(sent.some((r) => /^PUT \/signed\/originals\/demo-grace\//.test(r))).to.equal(true);
    expect(sent.some((r) => r.startsWith('PUT /buckets/'))).to.equal(false);
    expect(await page.locator('#upload-result').innerText()).to.match(/^uploaded demo-grace\//);
  });

  it('replays a dead letter with its redrive button (POST /dead-letters/{id}/redrive)', async () => {
    // a corrupt upload: the images function dead-letters it at once
    const put = await fetch(`${server!.base}/buckets/originals/console-broken.jpg`, { method: 'PUT', body: 'not a jpeg', headers: { 'content-type': 'image/jpeg' } });
    expect(put.status).to.equal(200);
    type Letters = { dead_letters: { id: number; object_key?: string }[] };
    const letterOf = async () => (await getJson<Letters>(`${server!.base}/dead-letters`)).body.dead_letters.find((l) => l.object_key === 'console-broken.jpg');
    const first = await eventually(letterOf, 'the dead letter');
    const page = await browser!.newPage();
    await page.goto(`${server!.base}/`);
    await page.locator(`button[data-redrive="${first.id}"]`).click();
    // replayed: the letter left the table, and the image (still corrupt) came back as a new one
    const again = await eventually(async () => {
      const letter = await letterOf();
      return letter && letter.id !== first.id ? letter : undefined;
    }, 'the replayed letter');
    expect(again.id).to.be.greaterThan(first.id);
    expect((await getJson<Letters>(`${server!.base}/dead-letters`)).body.dead_letters.some((l) => l.id === first.id)).to.equal(false);
  });
});
