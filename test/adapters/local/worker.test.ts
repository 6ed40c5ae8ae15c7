/**
 * The queue worker: what happens to a delivery that succeeds, fails transiently, fails
 * permanently, runs out of receives, times out, or is interrupted by a shutdown.
 */
import { expect } from 'chai';
import { PermanentError, TransientError } from '../../../handlers/errors';
import { deadLetterForMessage } from '../../../handlers/delivery';
import { silentLogger } from '../../../handlers/ports/logger';
import { LocalQueue, type ReceivedMessage } from '../../../adapters/local/queue';
import { QueueWorker, backoffDelay, type WorkerOptions } from '../../../adapters/local/worker';
import Database from 'better-sqlite3';
import { databaseFile } from '../../../adapters/local/wiring';
import { localHarness, type LocalHarness } from './local-harness';

const until = async (check: () => boolean, what: string, ms = 5_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('local queue worker', () => {
  let h: LocalHarness;
  let queue: LocalQueue;
  let workers: QueueWorker[];
  beforeEach(() => {
    h = localHarness();
    queue = new LocalQueue(h.ports.db, 'orders');
    workers = [];
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.stop(0)));
    h.dispose();
  });

  function start(handle: (m: ReceivedMessage) => Promise<unknown>, overrides: Partial<WorkerOptions> = {}): QueueWorker {
    const worker = new QueueWorker({
      function: 'orders',
      queue,
      handle,
      envelope: (m, reason, at) => deadLetterForMessage('orders', m.body, reason, m.receiveCount, at),
      logger: silentLogger,
      concurrency: 2,
      visibilityMs: 10_000,
      timeoutMs: 5_000,
      maxReceives: 5,
      backoffMs: 5,
      maxBackoffMs: 40,
      pollMs: 5,
      ...overrides,
    });
    workers.push(worker);
    worker.start();
    return worker;
  }

  it('doubles the retry delay after each failure, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 100, 1_000))).to.deep.equal([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('keeps polling through a receive refused as busy, and does not count deliveries the lock kept from running (issue 19)', async () => {
    queue.enqueue('{"n":1}');
    const other = new Database(databaseFile(h.dataDir));
    other.exec('BEGIN IMMEDIATE'); // another connection holds the write lock: every receive is refused
    let calls = 0;
    // maxReceives 1: a counted failure would dead-letter at once
    start(async () => {
      calls++;
      // as better-sqlite3 throws it when another connection holds the lock
      if (calls <= 3) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      return 'ok';
    }, { maxReceives: 1 });
    await new Promise((r) => setTimeout(r, 300)); // polls run into the lock; before the fix the timer threw
    expect(calls).to.equal(0);
    other.exec('ROLLBACK');
    other.close();
    await until(() => queue.depth().waiting + queue.depth().hidden === 0, 'the message to be acknowledged');
    expect(calls).to.equal(4);
    expect(h.ports.deadLetters.list()).to.deep.equal([]);
  });

  it('acknowledges a delivery that succeeds', async () => {
    const seen: string[] = [];
    start(async (m) => seen.push(m.body));
    queue.enqueue('one');
    await until(() => seen.length === 1 && queue.depth().hidden === 0, 'the ack');
    expect(queue.peek()).to.deep.equal([]);
    expect(h.ports.deadLetters.list()).to.deep.equal([]);
  });

  it('retries a transient failure with backoff until it succeeds, nothing dead-lettered', async () => {
    const attempts: { n: number; at: number }[] = [];
    start(async (m) => {
      attempts.push({ n: m.receiveCount, at: Date.now() });
      if (m.receiveCount < 3) throw new TransientError('table busy');
    });
    queue.enqueue('flaky');
    await until(() => attempts.length === 3 && queue.peek().length === 0, 'the third attempt');
    expect(attempts.map((a) => a.n)).to.deep.equal([1, 2, 3]);
    expect(attempts[2].at - attempts[1].at, 'the second wait is the doubled backoff').to.be.at.least(10);
    expect(h.ports.deadLetters.list()).to.deep.equal([]);
  });

  it('dead-letters after the maximum receives, with the last error and the attempts', async () => {
    let calls = 0;
    start(async () => {
      calls++;
      throw new Error(`outage ${calls}`);
    });
    queue.enqueue('{"order_id":"o-1"}');
    await until(() => h.ports.deadLetters.list().length === 1, 'the dead letter');
    const [letter] = h.ports.deadLetters.list();
    expect(letter).to.include({ function: 'orders', reason: 'outage 5', attempts: 5, message: '{"order_id":"o-1"}' });
    expect(calls).to.equal(5);
    expect(queue.peek()).to.deep.equal([]);
  });

  it('dead-letters a permanent failure at once', async () => {
    let calls = 0;
    start(async () => {
      calls++;
      throw new PermanentError('items: must not be empty');
    });
    queue.enqueue('{"order_id":"o-2","items":[]}');
    await until(() => h.ports.deadLetters.list().length === 1, 'the dead letter');
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).to.equal(1);
    expect(h.ports.deadLetters.list()[0]).to.include({ reason: 'items: must not be empty', attempts: 1 });
  });

  it('fails an invocation that outlives its timeout, and retries it', async () => {
    const attempts: number[] = [];
    start(
      async (m) => {
        attempts.push(m.receiveCount);
        if (m.receiveCount === 1) await new Promise((r) => setTimeout(r, 1_000));
      },
      { timeoutMs: 50 },
    );
    queue.enqueue('slow');
    await until(() => attempts.length === 2 && queue.peek().length === 0, 'the retry');
    expect(attempts).to.deep.equal([1, 2]);
  });

  it('returns unfinished deliveries to the queue on stop, and a new worker delivers them', async () => {
    const started: string[] = [];
    const first = start(async (m) => {
      started.push(m.body);
      await new Promise(() => {}); // never finishes
    });
    queue.enqueue('a');
    queue.enqueue('b');
    queue.enqueue('c');
    await until(() => started.length === 2, 'two deliveries in flight');
    await first.stop(20);
    expect(queue.depth()).to.deep.equal({ waiting: 3, hidden: 0 });
    expect(queue.peek().map((m) => m.receive_count), 'an interrupted delivery is not a failed one').to.deep.equal([0, 0, 0]);

    const done: string[] = [];
    start(async (m) => done.push(m.body));
    await until(() => done.length === 3, 'the redeliveries');
    expect([...done].sort()).to.deep.equal(['a', 'b', 'c']);
  });

  it('finishes a delivery that completes within the grace period instead of returning it', async () => {
    const done: string[] = [];
    const worker = start(async (m) => {
      await new Promise((r) => setTimeout(r, 100));
      done.push(m.body);
    });
    queue.enqueue('almost done');
    await until(() => worker.busy === 1, 'the delivery');
    await worker.stop(2_000);
    expect(done).to.deep.equal(['almost done']);
    expect(queue.peek()).to.deep.equal([]);
  });
});
