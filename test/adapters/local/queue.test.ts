/** The durable local queue: visibility, leases, delays, dead letters, and surviving a reopen. */
import { expect } from 'chai';
import { openDatabase, type Db } from '../../../adapters/local/database';
import { databaseFile } from '../../../adapters/local/wiring';
import { LocalQueue } from '../../../adapters/local/queue';
import { localHarness, type LocalHarness } from './local-harness';
import type { DeadLetter } from '../../../handlers/ports/dead-letters';

describe('local queue', () => {
  let h: LocalHarness;
  let db: Db;
  let clock: number;
  let queue: LocalQueue;
  beforeEach(() => {
    h = localHarness();
    db = h.ports.db;
    clock = 1_000_000;
    queue = new LocalQueue(db, 'work', () => clock);
  });
  afterEach(() => h.dispose());

  const envelope = (reason: string, attempts: number): DeadLetter => ({ function: 'orders', reason, attempts, failed_at: new Date(clock).toISOString(), message: 'm' });

  it('hides a received message until its visibility timeout, then delivers it again with the count raised', () => {
    queue.enqueue('hello', { order_id: 'o1' });
    const first = queue.receive(30_000)!;
    expect(first).to.include({ body: 'hello', receiveCount: 1 });
    expect(first.attributes).to.deep.equal({ order_id: 'o1' });
    expect(queue.receive(30_000), 'hidden while in flight').to.equal(undefined);
    clock += 29_999;
    expect(queue.receive(30_000)).to.equal(undefined);
    clock += 1;
    const second = queue.receive(30_000)!;
    expect(second.id).to.equal(first.id);
    expect(second.receiveCount).to.equal(2);
  });

  it('ignores an ack whose lease expired: the newer delivery still owns the message', () => {
    queue.enqueue('x');
    const stale = queue.receive(1_000)!;
    clock += 1_000;
    const current = queue.receive(1_000)!;
    expect(queue.ack(stale)).to.equal(false);
    expect(queue.depth()).to.deep.equal({ waiting: 0, hidden: 1 });
    expect(queue.ack(current)).to.equal(true);
    expect(queue.depth()).to.deep.equal({ waiting: 0, hidden: 0 });
  });

  it('delivers oldest first and keeps queues apart', () => {
    const other = new LocalQueue(db, 'other', () => clock);
    queue.enqueue('a');
    clock += 1;
    queue.enqueue('b');
    other.enqueue('c');
    expect([queue.receive(1000)!.body, queue.receive(1000)!.body, queue.receive(1000)]).to.deep.equal(['a', 'b', undefined]);
    expect(other.receive(1000)!.body).to.equal('c');
  });

  it('releases a failed delivery for later, remembering the error', () => {
    queue.enqueue('x');
    const m = queue.receive(60_000)!;
    expect(queue.release(m, 500, 'store down')).to.equal(true);
    expect(queue.receive(60_000)).to.equal(undefined);
    expect(queue.peek()[0].last_error).to.equal('store down');
    clock += 500;
    expect(queue.receive(60_000)!.receiveCount).to.equal(2);
  });

  it('moves a message to the dead letters with its envelope in one step', () => {
    queue.enqueue('x');
    const m = queue.receive(60_000)!;
    expect(queue.deadLetter(m, envelope('bad order', 1))).to.equal(true);
    expect(queue.depth()).to.deep.equal({ waiting: 0, hidden: 0 });
    expect(h.ports.deadLetters.list()).to.deep.equal([envelope('bad order', 1)]);
    expect(queue.deadLetter(m, envelope('again', 1)), 'a second move finds nothing').to.equal(false);
    expect(h.ports.deadLetters.list()).to.have.length(1);
  });

  it('returns an interrupted delivery at once without counting it', () => {
    queue.enqueue('x');
    const m = queue.receive(60_000)!;
    expect(queue.returnUnfinished(m)).to.equal(true);
    const again = queue.receive(60_000)!;
    expect(again.receiveCount).to.equal(1);
  });

  it('adds nothing when a queued id is enqueued again', () => {
    queue.enqueue('first', {}, 'same-id');
    queue.enqueue('second', {}, 'same-id');
    expect(queue.peek().map((m) => m.body)).to.deep.equal(['first']);
  });

  it('keeps waiting and in-flight messages across a close and reopen of the file', () => {
    queue.enqueue('waiting');
    clock += 1;
    queue.enqueue('in flight');
    queue.receive(5_000); // takes "waiting", then the process dies without acking
    h.ports.db.close();
    const reopened = openDatabase(databaseFile(h.dataDir));
    try {
      const q = new LocalQueue(reopened, 'work', () => clock);
      expect(q.receive(5_000)!.body).to.equal('in flight');
      clock += 5_000;
      const back = q.receive(5_000)!;
      expect(back.body).to.equal('waiting');
      expect(back.receiveCount).to.equal(2);
    } finally {
      reopened.close();
    }
  });

  describe('peek (what /payments, /orders and the console show)', () => {
    it('shows the newest 100 first once a queue holds more than 100, so new entries keep appearing', () => {
      for (let i = 0; i < 150; i++) {
        queue.enqueue(`m${i}`);
        clock += 1;
      }
      const seen = queue.peek().map((m) => m.body);
      expect(seen).to.have.length(100);
      expect(seen[0], 'the newest first').to.equal('m149');
      expect(seen[99]).to.equal('m50');
      queue.enqueue('m150');
      expect(queue.peek()[0].body, 'a new entry shows up at once').to.equal('m150');
    });

    it('keeps the insertion order among messages enqueued in the same millisecond', () => {
      for (let i = 0; i < 120; i++) queue.enqueue(`s${i}`);
      const seen = queue.peek(5).map((m) => m.body);
      expect(seen).to.deep.equal(['s119', 's118', 's117', 's116', 's115']);
    });

    it('shows only its own queue', () => {
      new LocalQueue(db, 'other', () => clock).enqueue('elsewhere');
      queue.enqueue('here');
      expect(queue.peek().map((m) => m.body)).to.deep.equal(['here']);
    });
  });
});
