/**
 * retryOnConflict: the one retry loop every OrderLedger wraps its atomic write in.
 */
import { expect } from 'chai';
import { TransientError } from '../../handlers/errors';
import { defaultConflictRetry, retryOnConflict } from '../../handlers/retry';

const conflict = Object.assign(new Error('conflict'), { code: 'CONFLICT' });
const isConflict = (err: unknown) => err === conflict;

/** What `work` rejects with, or undefined when it resolves. */
const rejectionOf = (work: Promise<unknown>): Promise<unknown> => work.then(() => undefined, (e: unknown) => e);

function recorder(random = () => 0.999) {
  const waits: number[] = [];
  return { waits, options: { ...defaultConflictRetry, sleep: async (ms: number) => void waits.push(ms), random } };
}

describe('retryOnConflict', () => {
  it('runs the work again after each conflict and returns its first success', async () => {
    const { waits, options } = recorder();
    const seen: number[] = [];
    const result = await retryOnConflict(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 4) throw conflict;
        return 'done';
      },
      isConflict,
      options,
    );
    expect(result).to.equal('done');
    expect(seen).to.deep.equal([1, 2, 3, 4]);
    // full jitter under a ceiling that doubles from the base: 10, 20, 40 ms (random just under 1)
    expect(waits).to.deep.equal([9, 19, 39]);
  });

  it('never waits longer than the largest backoff', async () => {
    const { waits, options } = recorder();
    await retryOnConflict(async (attempt) => {
      if (attempt < options.attempts) throw conflict;
    }, isConflict, options);
    expect(Math.max(...waits)).to.equal(options.maxDelayMs - 1);
    expect(waits).to.have.length(options.attempts - 1);
  });

  it('gives up after the last attempt with a TransientError that keeps the conflict as its cause', async () => {
    const { options } = recorder();
    let calls = 0;
    const err = await rejectionOf(
      retryOnConflict(async () => {
        calls++;
        throw conflict;
      }, isConflict, options),
    );
    expect(calls).to.equal(defaultConflictRetry.attempts);
    expect(err).to.be.instanceOf(TransientError);
    expect((err as Error).message).to.equal(`write conflict persisted after ${defaultConflictRetry.attempts} attempts`);
    expect((err as Error).cause).to.equal(conflict);
  });

  it('passes any other error through at once, without retrying it', async () => {
    const { waits, options } = recorder();
    const other = new Error('disk full');
    let calls = 0;
    const err = await rejectionOf(
      retryOnConflict(async () => {
        calls++;
        throw other;
      }, isConflict, options),
    );
    expect(err).to.equal(other);
    expect(calls).to.equal(1);
    expect(waits).to.deep.equal([]);
  });
});
