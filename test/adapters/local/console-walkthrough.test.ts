/**
 * The console as the walk-through, in a real headless browser (Debian's chromium through
 * playwright-core), against the real local server started with `--seed`: a user created from the
 * keyboard, an order watched from QUEUED to PLACED and one CANCELLED with its short line, its
 * payment and event, an image uploaded through the signed-upload flow into the owner's folder and
 * its compressed thumbnail from its signed URL, a corrupt upload seen as a dead letter and
 * replayed, and the API page built from openapi.json whose "try it" forms call the API. Every
 * form control has a label.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { fixturePath } from '../../support/fixtures';
import { consoleBrowser, decodedImage, keepScreenshot, type ConsoleBrowser } from './console-browser';
import { eventually, type LocalServer } from './local-server';

describe('local console: the walk-through in headless chromium', function () {
  this.timeout(180_000);
  let cb: ConsoleBrowser | undefined;
  let server: LocalServer;
  let page: Page;

  before(async function () {
    cb = await consoleBrowser(this, { width: 1680, height: 1100 });
    server = cb.server;
    page = await cb.browser.newPage();
    await page.goto(`${server.base}/`);
  });
  after(async () => {
    await cb?.stop();
  });

  it('labels every form control, on both pages', async () => {
    await page.locator('#api-operations details').first().waitFor({ state: 'attached', timeout: 30_000 });
    type Control = { labels: { length: number } | null; id: string; outerHTML: string };
    const controls = page.locator('input, select, textarea');
    expect(await controls.count()).to.be.greaterThan(10);
    const unlabelled = await controls.evaluateAll((nodes) =>
      nodes.map((n) => n as unknown as Control).filter((c) => !c.labels || c.labels.length === 0).map((c) => c.id || c.outerHTML),
    );
    expect(unlabelled).to.deep.equal([]);
  });

  it('creates a user from the keyboard', async () => {
    await page.getByLabel('Name', { exact: true }).focus();
    await page.keyboard.type('Katherine Johnson');
    await page.keyboard.press('Tab');
    await page.keyboard.type('katherine@example.com');
    await page.keyboard.press('Enter');
    await expect(await waitText('#create-user-result', /created/)).to.match(/ETag "v1"/);
    await page.locator('#users', { hasText: 'katherine@example.com' }).waitFor();
  });

  it('places an order and watches it go QUEUED -> PLACED, with its payment and event', async () => {
    await page.locator('#order-user option[value="demo-ada"]').waitFor({ state: 'attached' });
    await page.getByLabel('User', { exact: true }).selectOption('demo-ada');
    await page.getByLabel('Product').selectOption('espresso-beans-1kg');
    await page.getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Place order' }).click();
    const said = await waitText('#place-order-result', /PLACED|CANCELLED/);
    expect(said).to.match(/QUEUED → PLACED/);
    const orderId = /order (\S+):/.exec(said)![1];
    await page.locator(`#payments tr[data-order-id="${orderId}"]`).waitFor({ timeout: 30_000 });
    await page.locator(`#events tr[data-order-id="${orderId}"][data-event-type="ORDER_CREATED"]`).waitFor({ timeout: 30_000 });
    await page.locator(`#orders tr[data-order-id="${orderId}"][data-status="PLACED"]`).waitFor({ timeout: 30_000 });
  });

  it('shows an order CANCELLED with its short line when the stock is short', async () => {
    await page.getByLabel('Product').selectOption('grinder-burr');
    await page.getByLabel('Quantity').fill('999');
    const before = await page.locator('#place-order-result').innerText();
    await page.getByRole('button', { name: 'Place order' }).click();
    const said = await eventually(async () => {
      const text = await page.locator('#place-order-result').innerText();
      return text !== before && /PLACED|CANCELLED/.test(text) ? text : undefined;
    }, 'the second order to be decided', 60_000);
    expect(said).to.match(/QUEUED → CANCELLED_INSUFFICIENT_INVENTORY · short: grinder-burr \(wanted 999, had 3\)/);
  });

  it('uploads an image through the signed-upload flow into the owner\'s folder and shows its thumbnail', async () => {
    const sent: string[] = [];
    page.on('request', (request) => sent.push(`${request.method()} ${new URL(request.url()).pathname}`));
    await page.getByLabel('Owner').selectOption('demo-grace');
    await page.getByLabel('Image (JPEG or PNG)').setInputFiles(fixturePath('images', 'exif-orientation-Landscape_6.jpg'));
    await page.getByRole('button', { name: 'Upload' }).click();
    await waitText('#upload-result', /uploaded demo-grace\//);
    expect(sent).to.include('POST /users/demo-grace/uploads');
    expect(sent.some((r) => /^PUT \/signed\/originals\/demo-grace\//.test(r)), 'the file went to the signed URL').to.equal(true);
    expect(sent.some((r) => r.startsWith('PUT /buckets/')), 'not to a bucket route').to.equal(false);
    // the owner's copies as the users API lists them, each with its signed URL
    const thumbnail = page.locator('#user-images img[data-image-key^="compressed/demo-grace/"][data-image-key$="-exif-orientation-Landscape_6.jpg"]');
    await thumbnail.waitFor({ state: 'visible', timeout: 60_000 });
    const natural = await decodedImage(thumbnail, 'the thumbnail to decode');
    expect(natural.width, 'upright: wider than tall').to.be.greaterThan(natural.height);
  });

  it('shows a corrupt upload as a dead letter with its reason', async () => {
    await page.getByLabel('Image (JPEG or PNG)').setInputFiles({ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a jpeg at all') });
    await page.getByRole('button', { name: 'Upload' }).click();
    const row = page.locator('#dead-letters tr', { hasText: '-broken.jpg' });
    await row.waitFor({ timeout: 60_000 });
    expect(await row.locator('.bad').innerText()).to.not.equal('');
  });

  it('replays that dead letter from the keyboard: it leaves the table and, still corrupt, comes back as a new one', async () => {
    const replay = page.locator('#dead-letters tr', { hasText: '-broken.jpg' }).getByRole('button', { name: /^Replay dead letter \d+$/ });
    const first = Number(await replay.getAttribute('data-redrive'));
    await replay.focus();
    await page.keyboard.press('Enter');
    await waitText('#redrive-result', new RegExp(`dead letter ${first} replayed`));
    await page.locator(`#dead-letters button[data-redrive="${first}"]`).waitFor({ state: 'detached', timeout: 30_000 });
    const again = page.locator('#dead-letters tr', { hasText: '-broken.jpg' }).getByRole('button', { name: /^Replay dead letter \d+$/ });
    await again.waitFor({ timeout: 60_000 });
    expect(Number(await again.getAttribute('data-redrive'))).to.be.greaterThan(first);
  });

  it('lists the API from openapi.json, and its "try it" forms call it', async () => {
    await page.getByRole('link', { name: 'API' }).click();
    expect(await page.locator('#page-walkthrough').isHidden()).to.equal(true);
    const operations = await page.locator('#api-operations details').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-operation')));
    expect(operations).to.include.members(['GET /users', 'POST /users', 'GET /users/{userId}', 'PATCH /users/{userId}', 'DELETE /users/{userId}', 'GET /openapi.json']);
    const create = page.locator('details[data-operation="POST /users"]');
    await create.locator('summary').click();
    await create.locator('textarea').fill('{"name":"Mary Jackson","email":"mary@example.com"}');
    await create.getByRole('button', { name: 'Send POST' }).click();
    const answer = create.locator('pre[data-status]');
    await answer.waitFor();
    expect(await answer.getAttribute('data-status')).to.equal('201');
    expect(await answer.innerText()).to.match(/etag: "v1"/);
    const read = page.locator('details[data-operation="GET /users/{userId}"]');
    await read.locator('summary').click();
    await read.getByLabel('userId (path, required)').fill('demo-ada');
    await read.getByRole('button', { name: 'Send GET' }).click();
    await read.locator('pre[data-status="200"]').waitFor();
    expect(await read.locator('pre').innerText()).to.contain('ada@example.com');
  });

  it('takes a screenshot of the walk-through for the README', async () => {
    await page.getByRole('link', { name: 'Walk-through' }).click();
    await page.locator('#page-walkthrough').waitFor({ state: 'visible' });
    // the panels as a newcomer sees them: not scrolled to where the keyboard went
    await page.evaluate("for (const p of document.querySelectorAll('.panel, .columns > div')) { p.scrollLeft = 0; p.scrollTop = 0; } window.scrollTo(0, 0);");
    await keepScreenshot(page, 'console-walkthrough.png');
  });

  async function waitText(selector: string, pattern: RegExp): Promise<string> {
    return eventually(async () => {
      const text = await page.locator(selector).innerText();
      return pattern.test(text) ? text : undefined;
    }, `${selector} to say ${pattern}`, 60_000);
  }
});
