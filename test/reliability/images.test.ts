/**
 * Every real image fixture, and truncations of each, through the images function as the local
 * runtime runs it (an upload to the originals bucket, a message on the images queue, the durable
 * worker): each one is compressed, or dead-lettered on its first delivery with a permanent reason
 * (a corrupt image cannot get better with retries), and the process's memory stays bounded.
 */
import { expect } from 'chai';
import { localBuckets, localQueues } from '../../adapters/local/environment';
import { objectCreatedMessage } from '../../adapters/local/events/object-created';
import { imagesSpec } from '../../handlers/specs';
import { imageFixture, imageFixtureNames } from '../support/fixtures';
import { withoutUnhandledRejections } from '../support/reliability-http';
import { localQueueRun, type LocalQueueRun } from '../support/reliability-local-queue';
import { scale } from '../support/reliability-scale';
import { tally } from '../support/reliability-tally';

interface Upload {
  key: string;
  bytes: Uint8Array;
}

/** Each fixture whole, then cut at evenly spread points (never empty). */
function uploads(): Upload[] {
  const out: Upload[] = [];
  for (const name of imageFixtureNames()) {
    const bytes = imageFixture(name);
    out.push({ key: `whole/${name}`, bytes });
    for (let i = 1; i <= scale.truncationsPerImage; i++) {
      const cut = Math.max(1, Math.floor((bytes.length * i) / (scale.truncationsPerImage + 1)));
      out.push({ key: `cut-${cut}/${name}`, bytes: bytes.subarray(0, cut) });
    }
  }
  return out;
}

async function upload(run: LocalQueueRun, u: Upload): Promise<void> {
  await run.ports.blobs.put(localBuckets.originals, u.key, u.bytes, { contentType: 'application/octet-stream', metadata: {} });
  const head = await run.ports.blobs.head(localBuckets.originals, u.key);
  run.ports.queue(localQueues.images).enqueue(
    objectCreatedMessage({ bucket: localBuckets.originals, key: u.key, size: u.bytes.length, etag: head?.etag ?? '', eventTime: new Date().toISOString() }),
    { bucket: localBuckets.originals, key: u.key },
  );
}

describe('reliability: every image fixture and its truncations through the images function', function () {
  this.timeout(180_000);

  it('compresses each or dead-letters it at once with a permanent reason, in bounded memory', async () => {
    const run = localQueueRun();
    try {
      const all = uploads();
      for (const u of all) await upload(run, u);
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      try {
        // two receives: a transient failure would show up as a second delivery, a corrupt image must not
        await withoutUnhandledRejections(() => run.drain('images', run.ports, { maxReceives: 2 }));
      } finally {
        clearInterval(sampler);
      }
      const letters = new Map(run.deadLetters('images').map((l) => [l.envelope.object_key, l.envelope]));
      let compressed = 0;
      for (const u of all) {
        const out = await run.ports.blobs.head(localBuckets.compressed, `compressed/${u.key}`);
        const letter = letters.get(u.key);
        const suffixOk = /\.(jpe?g|png)$/i.test(u.key);
        if (out) {
          expect(letter, `${u.key} both compressed and dead-lettered`).to.equal(undefined);
          expect(out.contentType).to.equal('image/jpeg');
          compressed++;
        } else if (suffixOk) {
          expect(letter, `${u.key}: neither compressed nor dead-lettered`).to.not.equal(undefined);
          expect(letter!.attempts, `${u.key}: ${letter!.reason}`).to.equal(1);
          expect(letter!.reason).to.be.a('string').and.not.equal('');
        }
        // a .gif or .webp upload is outside the trigger's suffixes: skipped, neither output nor letter
      }
      const growthMb = (peak - baseline) / 2 ** 20;
      // bounded: well inside the function's memory (imagesSpec.memoryMb) while decoding every fixture
      expect(growthMb, 'RSS growth (MB)').to.be.below(imagesSpec.memoryMb / 2);
      expect(compressed, 'whole fixtures compressed').to.be.greaterThan(10);
      tally('images: uploads tried (fixtures and truncations)', all.length);
      tally('images: compressed', compressed);
      tally('images: dead-lettered as permanent', letters.size);
      tally(`images: peak RSS growth MB (max ${imagesSpec.memoryMb / 2})`, Math.round(growthMb));
      tally('bad inputs tried', all.length - imageFixtureNames().length);
      tally('messages processed', all.length);
    } finally {
      run.dispose();
    }
  });
});
