/**
 * The images entry point through a real Functions Framework server (`getTestServer('images')`),
 * over HTTP, with the real wiring: Cloud Storage through the JSON API stand-in, dead letters on
 * the Pub/Sub emulator. Every GCP storage fixture is delivered in the mode it represents
 * (structured, binary), plus the legacy background-event form the framework converts.
 */
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import sharp from 'sharp';
// Registers the `images` target; its wiring is built on the first invocation, after functionsEnv().
import { GIVE_UP_AFTER_MS } from '../../../adapters/gcp/images';
import { GcsBlobStore } from '../../../adapters/gcp/ports/blob-store';
import { storageClient } from '../../../adapters/gcp/wiring';
import { eventFixture, imageFixture } from '../../support/fixtures';
import { gcpPeersMissing } from '../../support/gcp-peers';
import { functionsEnv, type FunctionsEnv } from './support/functions-env';

interface CloudEventJson {
  specversion: string;
  type: string;
  source: string;
  subject?: string;
  id: string;
  time: string;
  datacontenttype?: string;
  data: Record<string, unknown>;
}

const missing = gcpPeersMissing();

describe('GCP images function (Functions Framework over HTTP)', function () {
  this.timeout(60_000);
  let env: FunctionsEnv;
  let server: Server;
  let base: string;

  before(async function () {
    if (missing) {
      console.warn(`skipping: ${missing}`);
      this.skip();
    }
    env = await functionsEnv();
    server = getTestServer('images');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  /** Puts an image into the originals bucket and returns the object resource GCS would report. */
  async function upload(key: string, bytes: Buffer, contentType = 'image/jpeg'): Promise<Record<string, unknown>> {
    await new GcsBlobStore(storageClient()).put(env.originals, key, bytes, { contentType, metadata: {} });
    return env.storage.objects.get(`${env.originals}/${key}`)!.resource;
  }

  /** The structured fixture, re-pointed at an object of ours, exactly as Eventarc would describe it. */
  function finalizedEvent(resource: Record<string, unknown>): CloudEventJson {
    const event = eventFixture<CloudEventJson>('gcp', 'storage-object-finalized.cloudevent-structured.json');
    return {
      ...event,
      id: `evt-${Date.now()}-${Math.random()}`,
      // the upload just happened (the fixture's own time is years old)
      time: new Date().toISOString(),
      source: `//storage.googleapis.com/projects/_/buckets/${resource.bucket}`,
      subject: `objects/${resource.name}`,
      data: resource,
    };
  }

  function postStructured(event: unknown) {
    return fetch(base, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event) });
  }

  function postBinary(event: CloudEventJson) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [k, v] of Object.entries(event)) if (k !== 'data' && typeof v === 'string') headers[`ce-${k}`] = v;
    return fetch(base, { method: 'POST', headers, body: JSON.stringify(event.data) });
  }

  it('structured fixture: a .cs object is acknowledged and skipped, nothing written, nothing dead-lettered', async () => {
    const before = env.received.imagesDeadLetters.messages.length;
    const event = eventFixture('gcp', 'storage-object-finalized.cloudevent-structured.json');
    const res = await postStructured(event);
    expect(res.status).to.equal(204);
    expect([...env.storage.objects.keys()].some((k) => k.includes('Test.cs'))).to.equal(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(env.received.imagesDeadLetters.messages.length).to.equal(before);
  });

  it('binary fixture (storage object body with ce- headers) is read the same way: skipped, not dead-lettered', async () => {
    const before = env.received.imagesDeadLetters.messages.length;
    const data = eventFixture<Record<string, unknown>>('gcp', 'storage-object-data-simple.binary-body.json');
    const expected = eventFixture<CloudEventJson>('gcp', 'storage-object-finalized.cloudevent-output-expected.json');
    const res = await postBinary({ ...expected, data });
    expect(res.status).to.equal(204);
    await new Promise((r) => setTimeout(r, 300));
    expect(env.received.imagesDeadLetters.messages.length, 'an unreadable event would be dead-lettered').to.equal(before);
  });

  it('compresses an image named with spaces and unicode, used as is (not URL-decoded), in structured mode', async () => {
    const key = 'uploads/Landscape 6 + ü.JPG';
    const resource = await upload(key, imageFixture('exif-orientation-Landscape_6.jpg'));
    const res = await postStructured(finalizedEvent(resource));
    expect(res.status).to.equal(204);
    const out = env.storage.objects.get(`${env.compressed}/compressed/${key}`);
    expect(out, 'compressed copy').to.not.equal(undefined);
    expect(out!.resource.contentType).to.equal('image/jpeg');
    const meta = out!.resource.metadata as Record<string, string>;
    expect(meta['original-size']).to.equal(String(resource.size));
    expect(meta['compressed-size']).to.equal(String(out!.bytes.length));
    expect(meta['source-etag']).to.equal(resource.etag);
    const info = await sharp(out!.bytes).metadata();
    expect(Math.max(info.width!, info.height!)).to.be.at.most(800);
  });

  it('compresses in binary mode and in the legacy background-event form', async () => {
    const binary = await upload('binary/photo.png', imageFixture('png-rgba-8bit-basn6a08.png'), 'image/png');
    expect((await postBinary(finalizedEvent(binary))).status).to.equal(204);
    expect(env.storage.objects.has(`${env.compressed}/compressed/binary/photo.png`)).to.equal(true);

    const legacy = await upload('legacy/photo.jpg', imageFixture('jpeg-grayscale-hopper.jpg'));
    const background = {
      context: {
        eventId: `legacy-${Date.now()}`,
        timestamp: '2026-01-01T00:00:00.000Z',
        eventType: 'google.storage.object.finalize',
        resource: { service: 'storage.googleapis.com', name: `projects/_/buckets/${legacy.bucket}/objects/${legacy.name}`, type: 'storage#object' },
      },
      data: legacy,
    };
    const res = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(background) });
    expect(res.status).to.equal(204);
    expect(env.storage.objects.has(`${env.compressed}/compressed/legacy/photo.jpg`)).to.equal(true);
  });

  it('dead-letters a corrupt image with its reason and acknowledges it', async () => {
    const resource = await upload('bad/corrupt.jpg', imageFixture('corrupt-1-byte-not-an-image.jpg'));
    const res = await postStructured(finalizedEvent(resource));
    expect(res.status).to.equal(204);
    const letters = await env.received.imagesDeadLetters.settle(1);
    const letter = letters.map((m) => JSON.parse(m.data.toString())).find((l) => l.object_key === 'bad/corrupt.jpg');
    expect(letter, 'dead letter').to.include({ function: 'images', bucket: env.originals, object_key: 'bad/corrupt.jpg', attempts: 1 });
    expect(letter.reason).to.be.a('string').and.not.equal('');
    expect(env.storage.objects.has(`${env.compressed}/compressed/bad/corrupt.jpg`)).to.equal(false);
  });

  it('dead-letters the binary-mode fixture whose type is not object.finalized', async () => {
    const fixture = eventFixture<{ headers: Record<string, string>; body: unknown }>('gcp', 'functions-framework-nodejs.binary-mode-request.json');
    const res = await fetch(base, { method: 'POST', headers: fixture.headers, body: JSON.stringify(fixture.body) });
    expect(res.status).to.equal(204);
    const letters = await env.received.imagesDeadLetters.settle(2);
    const reasons = letters.map((m) => JSON.parse(m.data.toString()).reason as string);
    expect(reasons.some((r) => r.includes('com.google.cloud.storage'))).to.equal(true);
  });

  it('fails the invocation on a storage outage, so that Eventarc retries, and dead-letters nothing', async () => {
    const resource = await upload('outage/photo.jpg', imageFixture('jpeg-grayscale-hopper.jpg'));
    const before = env.received.imagesDeadLetters.messages.length;
    env.storage.failNext(10);
    const res = await postStructured(finalizedEvent(resource));
    env.storage.failNext(0);
    expect(res.status).to.equal(500);
    await new Promise((r) => setTimeout(r, 300));
    expect(env.received.imagesDeadLetters.messages.length).to.equal(before);
    // the retry succeeds once storage is back
    expect((await postStructured(finalizedEvent(resource))).status).to.equal(204);
    expect(env.storage.objects.has(`${env.compressed}/compressed/outage/photo.jpg`)).to.equal(true);
  });

  it('dead-letters an event still failing near the end of Eventarc\'s retry window instead of letting it be dropped', async () => {
    const resource = await upload('outage/old.jpg', imageFixture('jpeg-grayscale-hopper.jpg'));
    const before = env.received.imagesDeadLetters.messages.length;
    // uploaded a minute past the give-up age: Eventarc has retried it all that time
    const event = { ...finalizedEvent(resource), time: new Date(Date.now() - GIVE_UP_AFTER_MS - 60_000).toISOString() };
    env.storage.failNext(10);
    const res = await postStructured(event);
    env.storage.failNext(0);
    expect(res.status, 'acknowledged: the letter keeps it').to.equal(204);
    const letters = await env.received.imagesDeadLetters.settle(before + 1);
    const letter = letters.map((m) => JSON.parse(m.data.toString())).find((l) => l.object_key === 'outage/old.jpg');
    expect(letter, 'dead letter').to.include({ function: 'images', bucket: env.originals, object_key: 'outage/old.jpg' });
    expect(letter.reason).to.match(/still failing 23\.0 h after the upload/);
  });
});
