/**
 * Malformed events into each cloud's images entry point, broken from the real fixtures (fields
 * deleted, replaced by values of other types, the whole event replaced):
 * - S3 ObjectCreated notifications (both AWS fixtures) into the Lambda images handler;
 * - Event Grid BlobCreated events, in the Event Grid schema and the CloudEvents schema, into the
 *   Azure images function on Azurite (blobs and its dead-letter container);
 * - Cloud Storage `object.v1.finalized` CloudEvents into the GCP images function, posted to a real
 *   Functions Framework server in structured mode and in binary mode (`ce-*` headers), so that the
 *   function sees exactly what the framework makes of them.
 * Each fixture is first pointed at a real image in the originals bucket, so that a mutation which
 * leaves the event usable compresses it. Never a crash or an unhandled rejection: each event is
 * compressed, skipped with a reason, dead-lettered with a reason, or fails the invocation with a
 * transient error so that the platform retries it (see reliability-events.ts for what counts as a
 * crash).
 */
import { InvocationContext } from '@azure/functions';
import type { ContainerClient } from '@azure/storage-blob';
import * as functions from '@google-cloud/functions-framework';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { expect } from 'chai';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { createImagesHandler, type ImagesSummary } from '../../adapters/aws/images';
import type { S3Event } from '../../adapters/aws/events/object-created';
import { imagesHandler, type ImagesOutcome } from '../../adapters/azure/images';
import { createImagesFunction } from '../../adapters/gcp/images';
import type { ImagesConfig } from '../../handlers/images';
import { systemClock } from '../../handlers/ports/clock';
import { silentLogger } from '../../handlers/ports/logger';
import { readSettings } from '../../handlers/settings';
import { imagesSpec } from '../../handlers/specs';
import { useAzureApp } from '../adapters/azure/app-harness';
import { serveFunction, type ServedFunction } from '../adapters/gcp/support/serve';
import { eventFixture, imageFixture } from '../support/fixtures';
import { MemoryBlobStore, MemoryDeadLetters } from '../support/memory';
import { expectTransientThrow, recordingLogger, shown } from '../support/reliability-events';
import { withoutUnhandledRejections } from '../support/reliability-http';
import { mutationsOf } from '../support/reliability-mutations';
import { scale } from '../support/reliability-scale';
import { tally } from '../support/reliability-tally';

const runs = { numRuns: scale.propertyRuns };
/** A small real image (32x32 PNG): each usable event costs one quick compression. */
const IMAGE = 'png-rgba-8bit-basn6a08.png';
/** A name S3 form-encodes and Azure percent-encodes in its url: decoding mistakes show. */
const KEY = 'photos/a b+c.png';
/** A corrupt image beside it: an event for it that stays usable is dead-lettered. */
const CORRUPT = 'corrupt-1-byte-not-an-image.jpg';
const CORRUPT_KEY = 'photos/broken.jpg';
/** How S3 writes each key in a notification (form-encoded). */
const s3Keys: Record<string, string> = { [KEY]: 'photos/a+b%2Bc.png', [CORRUPT_KEY]: CORRUPT_KEY };

interface Outcomes {
  compressed: number;
  skipped: number;
  deadLettered: number;
  retried: number;
}

function tallyOutcomes(cloud: string, tried: number, o: Outcomes): void {
  tally('bad inputs tried', tried);
  tally(`malformed image events tried (${cloud})`, tried);
  tally(`malformed image events: compressed (${cloud})`, o.compressed);
  tally(`malformed image events: skipped with a reason (${cloud})`, o.skipped);
  tally(`malformed image events: dead-lettered with a reason (${cloud})`, o.deadLettered);
  tally(`malformed image events: failed as transient, for a retry (${cloud})`, o.retried);
}

function memoryImagesRuntime(originals: string) {
  const blobs = new MemoryBlobStore();
  const deadLetters = new MemoryDeadLetters();
  const config: ImagesConfig = { ...readSettings(imagesSpec, {}), compressedBucket: `compressed-of-${originals}` };
  const ready = Promise.all([
    blobs.put(originals, KEY, imageFixture(IMAGE), { contentType: 'image/png', metadata: {} }),
    blobs.put(originals, CORRUPT_KEY, imageFixture(CORRUPT), { contentType: 'image/jpeg', metadata: {} }),
  ]);
  return { blobs, deadLetters, config, ready };
}

describe('reliability: malformed events into the images entry points', function () {
  this.timeout(180_000);

  it('the Lambda images handler takes broken S3 notifications without crashing', async () => {
    const bucket = 'reliability-originals';
    const { blobs, deadLetters, config, ready } = memoryImagesRuntime(bucket);
    await ready;
    const handler = createImagesHandler({ deps: { blobs, clock: systemClock, logger: silentLogger }, deadLetters, config });
    // each fixture's first record pointed at the stored image, then at the corrupt one (S3 form-encodes keys)
    const fixtures: unknown[] = [];
    for (const f of ['s3-put-real-capture.json', 's3-put-2-records-plus-encoded-key.json']) {
      for (const key of [KEY, CORRUPT_KEY]) {
        const head = await blobs.head(bucket, key);
        const event = eventFixture<{ Records: Record<string, unknown>[] }>('aws', f);
        event.Records = event.Records.map((r, i) => {
          const s3 = r.s3 as { bucket: Record<string, unknown>; object: Record<string, unknown> };
          return i > 0 ? r : { ...r, s3: { ...s3, bucket: { ...s3.bucket, name: bucket }, object: { ...s3.object, key: s3Keys[key], eTag: head!.etag } } };
        });
        fixtures.push(event);
      }
    }
    const outcomes: Outcomes = { compressed: 0, skipped: 0, deadLettered: 0, retried: 0 };
    await withoutUnhandledRejections(() =>
      fc.assert(
        fc.asyncProperty(fc.oneof(...fixtures.map((f) => mutationsOf(f))), async (event) => {
          const before = deadLetters.letters.length;
          let summary: ImagesSummary;
          try {
            summary = await handler(event as S3Event);
          } catch (err) {
            // the invocation fails: Lambda retries it, then hands it to the on-failure destination
            expectTransientThrow(err, event, 'Lambda images handler');
            outcomes.retried++;
            return;
          }
          for (const r of summary.results) {
            if (r.outcome === 'skipped') expect(r.reason, shown(event)).to.be.a('string').and.not.equal('');
            outcomes[r.outcome === 'compressed' ? 'compressed' : 'skipped']++;
          }
          const letters = deadLetters.letters.slice(before);
          expect(letters.length, `dead letters for ${shown(event)}`).to.equal(summary.deadLettered.length);
          for (const l of letters) expect(l.reason, shown(event)).to.be.a('string').and.not.equal('');
          outcomes.deadLettered += letters.length;
        }),
        runs,
      ),
    );
    expect(outcomes.compressed + outcomes.skipped + outcomes.deadLettered, 'events that reached the core').to.be.greaterThan(0);
    tallyOutcomes('AWS images handler, outcomes per S3 record', scale.propertyRuns, outcomes);
  });

  describe('Azure images function on Azurite', () => {
    const peers = useAzureApp();
    let fixtures: Record<string, unknown>[];
    let letters: ContainerClient;

    before(async function () {
      const { app } = peers();
      letters = app.blobs.getContainerClient(app.names.deadLetters);
      // both schemas' fixtures pointed at each uploaded blob (its url percent-encoded, as Azure sends it)
      fixtures = [];
      for (const [key, image] of [[KEY, IMAGE], [CORRUPT_KEY, CORRUPT]]) {
        const blob = app.blobs.getContainerClient(app.names.originals).getBlockBlobClient(key);
        const put = await blob.uploadData(imageFixture(image));
        for (const f of ['eventgrid-blobcreated.eventgrid-schema.json', 'eventgrid-blobcreated.cloudevents-schema.json']) {
          const event = eventFixture<Record<string, unknown> & { data: Record<string, unknown> }>('azure', f);
          fixtures.push({
            ...event,
            subject: `/blobServices/default/containers/${app.names.originals}/blobs/${key}`,
            data: { ...event.data, url: blob.url, eTag: put.etag, contentLength: imageFixture(image).length, contentType: 'application/octet-stream' },
          });
        }
      }
    });
    async function letterNames(): Promise<Set<string>> {
      const names = new Set<string>();
      for await (const b of letters.listBlobsFlat({ prefix: 'images/' })) names.add(b.name);
      return names;
    }

    it('takes broken Event Grid events in both schemas without crashing', async () => {
      const outcomes: Outcomes = { compressed: 0, skipped: 0, deadLettered: 0, retried: 0 };
      let seen = await letterNames();
      await withoutUnhandledRejections(() =>
        fc.assert(
          fc.asyncProperty(fc.oneof(...fixtures.map((f) => mutationsOf(f))), async (event) => {
            const context = new InvocationContext({ invocationId: randomUUID(), functionName: 'images', logHandler: () => {} });
            let result: ImagesOutcome;
            try {
              result = await imagesHandler(event, context);
            } catch (err) {
              // Event Grid retries, then writes the event to the subscription's dead-letter container
              expectTransientThrow(err, event, 'Azure images function');
              outcomes.retried++;
              return;
            }
            const now = await letterNames();
            const added = [...now].filter((n) => !seen.has(n));
            seen = now;
            if (result.outcome === 'dead-lettered') {
              expect(result.reason, shown(event)).to.be.a('string').and.not.equal('');
              expect(added, `one dead letter blob for ${shown(event)}`).to.have.length(1);
              const letter = JSON.parse((await letters.getBlockBlobClient(added[0]).downloadToBuffer()).toString()) as { reason?: unknown };
              expect(letter.reason, added[0]).to.be.a('string').and.not.equal('');
              outcomes.deadLettered++;
            } else {
              expect(added, `dead letters for ${shown(event)} (${result.outcome})`).to.deep.equal([]);
              if (result.outcome === 'compressed') outcomes.compressed++;
              else {
                expect(result.reason, shown(event)).to.be.a('string').and.not.equal('');
                outcomes.skipped++;
              }
            }
          }),
          runs,
        ),
      );
      expect(outcomes.compressed + outcomes.skipped + outcomes.deadLettered, 'events that reached the core').to.be.greaterThan(0);
      tallyOutcomes('Azure images function', scale.propertyRuns, outcomes);
    });
  });

  describe('GCP images function behind a real Functions Framework server', () => {
    const bucket = 'reliability-gcs-originals';
    const runtime = memoryImagesRuntime(bucket);
    const log = recordingLogger();
    const inner = createImagesFunction(() => ({ deps: { blobs: runtime.blobs, clock: systemClock, logger: log }, config: runtime.config, deadLetters: runtime.deadLetters }));
    /** What the last invocation of the function did (undefined: the framework never called it). */
    let invoked: { error?: unknown } | undefined;
    // the function exactly as adapters/gcp/images.ts builds it, under a test target that records its outcome
    functions.cloudEvent('reliability-images', async (event: CloudEvent<unknown>) => {
      invoked = {};
      try {
        await inner(event);
      } catch (err) {
        invoked.error = err;
        throw err;
      }
    });
    let fn: ServedFunction;
    before(async () => {
      await runtime.ready;
      fn = await serveFunction('reliability-images');
    });
    after(async () => {
      await fn?.close();
    });

    const fixture = eventFixture<Record<string, unknown> & { data: Record<string, unknown> }>('gcp', 'storage-object-finalized.cloudevent-structured.json');
    const events = [[KEY, IMAGE], [CORRUPT_KEY, CORRUPT]].map(([key, image]) => ({
      ...fixture,
      source: `//storage.googleapis.com/projects/_/buckets/${bucket}`,
      subject: `objects/${key}`,
      data: { ...fixture.data, bucket, name: key, size: String(imageFixture(image).length) },
    }));

    /** A header value as an HTTP client can send it (the framework reads `ce-*` headers as text). */
    const headerValue = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')).replace(/[^\x20-\x7e]/g, '?');

    /** Structured mode: the event is the body; binary mode: attributes in `ce-*` headers, `data` the body. */
    function request(mutated: unknown, binary: boolean): { headers: Record<string, string>; body: string } {
      if (!binary || typeof mutated !== 'object' || mutated === null || Array.isArray(mutated)) {
        return { headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(mutated) ?? '' };
      }
      const { data, ...attributes } = mutated as Record<string, unknown>;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      for (const [name, value] of Object.entries(attributes)) {
        const header = `ce-${name.toLowerCase().replace(/[^a-z0-9-]/g, '')}`;
        if (header !== 'ce-' && name !== 'datacontenttype') headers[header] = headerValue(value);
      }
      return { headers, body: JSON.stringify(data) ?? '' };
    }

    it('takes broken Cloud Storage CloudEvents, structured and binary, without crashing', async () => {
      const outcomes: Outcomes = { compressed: 0, skipped: 0, deadLettered: 0, retried: 0 };
      let refusedByFramework = 0;
      // the framework prints the stack of every error a function throws; counted here instead
      const printError = console.error;
      console.error = () => {};
      try {
        await withoutUnhandledRejections(() =>
          fc.assert(
            fc.asyncProperty(fc.oneof(...events.map((e) => mutationsOf(e))), fc.boolean(), async (mutated, binary) => {
              const { headers, body } = request(mutated, binary);
              const lettersBefore = runtime.deadLetters.letters.length;
              const puts = runtime.blobs.calls.put;
              log.lines.length = 0;
              invoked = undefined;
              const res = await fetch(fn.url, { method: 'POST', headers, body });
              const text = await res.text();
              const got = invoked as { error?: unknown } | undefined;
              const what = `${binary ? 'binary' : 'structured'} ${shown(mutated)} -> ${res.status} ${text.slice(0, 200)}`;
              if (!got) {
                // refused by the framework before the function ran (a body that is not a JSON object)
                expect(res.status, what).to.be.at.least(400).and.below(500);
                refusedByFramework++;
                return;
              }
              if (got.error !== undefined) {
                // a non-2xx answer: Eventarc retries the delivery
                expectTransientThrow(got.error, { binary, mutated }, 'GCP images function');
                expect(res.status, what).to.be.at.least(500);
                outcomes.retried++;
                return;
              }
              expect(res.status, what).to.be.at.least(200).and.below(300);
              const letters = runtime.deadLetters.letters.slice(lettersBefore);
              for (const l of letters) expect(l.reason, what).to.be.a('string').and.not.equal('');
              if (letters.length > 0) outcomes.deadLettered++;
              else if (runtime.blobs.calls.put > puts) outcomes.compressed++;
              else {
                // the function returns nothing: its skip is the core's log line, with the reason
                const skip = log.lines.find((l) => l.outcome === 'skipped');
                expect(skip?.reason, `skip reason: ${what}`).to.be.a('string').and.not.equal('');
                outcomes.skipped++;
              }
            }),
            runs,
          ),
        );
      } finally {
        console.error = printError;
      }
      expect(outcomes.compressed + outcomes.skipped + outcomes.deadLettered, 'events that reached the core').to.be.greaterThan(0);
      tallyOutcomes('GCP images function', scale.propertyRuns, outcomes);
      tally('malformed image events refused by the Functions Framework before the GCP function', refusedByFramework);
    });
  });
});
