/**
 * The UserRepository and OrderLedger contracts against Google's Firestore emulator, plus what the
 * contracts cannot see: the stored shape of the email claim, cursors that are tampered with, ids
 * Firestore cannot take as document ids, and another writer landing between the ledger's read and
 * its write (the ledger writes optimistically, see adapters/gcp/ports/order-ledger.ts).
 */
import { Firestore } from '@google-cloud/firestore';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { InvalidCursorError } from '../../../../handlers/ports/user-repository';
import { firestoreSettings } from '../../../../adapters/gcp/client-settings';
import { emailClaimId } from '../../../../adapters/gcp/ports/document-ids';
import { FirestoreOrderLedger } from '../../../../adapters/gcp/ports/order-ledger';
import { encodeCursor, FirestoreUserRepository } from '../../../../adapters/gcp/ports/user-repository';
import { describeOrderLedgerContract, request as orderRequest } from '../../../contracts/order-ledger.contract';
import { describeUserRepositoryContract, user as newUser } from '../../../contracts/user-repository.contract';
import { gcpPeers, gcpPeersMissing } from '../../../support/gcp-peers';

const missing = gcpPeersMissing();
let db: Firestore | undefined;

/** One client per suite file, on collections of its own so suites never see each other's data. */
async function firestore(): Promise<Firestore> {
  const { projectId } = await gcpPeers();
  // The settings the functions ship with (REST transport, adapters/gcp/client-settings.ts).
  db ??= new Firestore(firestoreSettings(projectId));
  return db;
}

/** A ledger or repository whose first read is followed by `between` (see writerBetweenReadAndWrite). */
async function racingLedger(between: () => Promise<void>): Promise<FirestoreOrderLedger> {
  return new FirestoreOrderLedger(writerBetweenReadAndWrite(await firestore(), between), ledgerCollections);
}
async function racingUsers(between: () => Promise<void>): Promise<FirestoreUserRepository> {
  return new FirestoreUserRepository(writerBetweenReadAndWrite(await firestore(), between), userCollections);
}

/**
 * The same client, except that after its first `getAll` it runs `between` (another writer) before
 * handing the documents back: the ledger then writes on a read that is already stale.
 */
function writerBetweenReadAndWrite(db: Firestore, between: () => Promise<void>): Firestore {
  let pending = true;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'getAll') {
        return async (...refs: Parameters<Firestore['getAll']>) => {
          const snaps = await target.getAll(...refs);
          if (pending) {
            pending = false;
            await between();
          }
          return snaps;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const run = randomUUID().slice(0, 8);
const userCollections = { users: `users-${run}`, emails: `user_emails-${run}` };
const ledgerCollections = { orders: `orders-${run}`, stock: `stock-${run}` };

describe('GCP Firestore ports', function () {
  this.timeout(120_000);
  before(async function () {
    if (missing) {
      console.warn(`skipping: ${missing}`);
      this.skip();
    }
    await gcpPeers();
  });
  after(async () => {
    await db?.terminate();
  });

  describeUserRepositoryContract('firestore emulator', async () => ({
    users: new FirestoreUserRepository(await firestore(), userCollections),
    forgeCursor: encodeCursor,
  }));
  describeOrderLedgerContract('firestore emulator', async () => {
    const ledger = new FirestoreOrderLedger(await firestore(), ledgerCollections);
    return { ledger, inventory: ledger };
  });

  describe('FirestoreUserRepository specifics', () => {
    it('keeps the email claim in its own document, keyed by a hash of the lower-cased address', async () => {
      const repo = new FirestoreUserRepository(await firestore(), userCollections);
      const id = `u-${randomUUID()}`;
      const at = '2026-01-01T00:00:00.000Z';
      await repo.create({ user_id: id, name: 'A', email: `${id}@example.com`, created_at: at, updated_at: at, version: 1 });
      const claim = await (await firestore()).collection(userCollections.emails).doc(emailClaimId(`${id.toUpperCase()}@EXAMPLE.COM`)).get();
      expect(claim.exists).to.equal(true);
      expect(claim.get('user_id')).to.equal(id);
    });

    it('rejects cursors that were altered or forged', async () => {
      const repo = new FirestoreUserRepository(await firestore(), userCollections);
      const forged = [
        'fsu1.',
        'fsu1.%%%',
        `fsu1.${Buffer.from('{"after": 5}').toString('base64url')}`,
        `fsu1.${Buffer.from('{"after": "a/b"}').toString('base64url')}`,
        `fsu1.${Buffer.from('not json').toString('base64url')}`,
        Buffer.from('{"after":"x"}').toString('base64url'),
      ];
      for (const cursor of forged) {
        let thrown: unknown;
        await repo.list({ limit: 1, cursor }).catch((err: unknown) => (thrown = err));
        expect(thrown, cursor).to.be.instanceOf(InvalidCursorError);
      }
    });

    it('treats ids Firestore cannot store as absent instead of addressing another document', async () => {
      const repo = new FirestoreUserRepository(await firestore(), userCollections);
      for (const id of ['a/b', '.', '..', '__id__']) {
        expect(await repo.get(id), id).to.equal(undefined);
        expect(await repo.delete(id), id).to.equal('not_found');
      }
    });

    it('refuses an If-Match update when another update lands between its read and its write', async () => {
      const plain = new FirestoreUserRepository(await firestore(), userCollections);
      const original = newUser();
      await plain.create(original);
      const theirs = { ...original, name: 'Theirs', version: 2 };
      const racing = await racingUsers(async () => {
        expect(await plain.update(original, theirs)).to.equal('updated');
      });
      // on the stale read (version 1) it would write over the other update: a lost update
      expect(await racing.update(original, { ...original, name: 'Mine', version: 2 })).to.equal('version_mismatch');
      expect((await plain.get(original.user_id))?.name).to.equal('Theirs');
    });

    it('answers duplicate_email when another user claims the address between its read and its write', async () => {
      const plain = new FirestoreUserRepository(await firestore(), userCollections);
      const first = newUser();
      const second = newUser({ email: first.email });
      const racing = await racingUsers(async () => {
        expect(await plain.create(first)).to.equal('created');
      });
      expect(await racing.create(second)).to.equal('duplicate_email');
      expect(await plain.get(second.user_id)).to.equal(undefined);
    });

    it('refuses a change of address to one another user claims between its read and its write', async () => {
      const plain = new FirestoreUserRepository(await firestore(), userCollections);
      const mover = newUser();
      await plain.create(mover);
      const wanted = `wanted-${randomUUID()}@example.com`;
      const racing = await racingUsers(async () => {
        expect(await plain.create(newUser({ email: wanted }))).to.equal('created');
      });
      expect(await racing.update(mover, { ...mover, email: wanted, version: 2 })).to.equal('duplicate_email');
      expect((await plain.get(mover.user_id))?.email).to.equal(mover.email);
    });

    it('answers not_found to an update whose user is deleted between its read and its write', async () => {
      const plain = new FirestoreUserRepository(await firestore(), userCollections);
      const gone = newUser();
      await plain.create(gone);
      const racing = await racingUsers(async () => {
        expect(await plain.delete(gone.user_id)).to.equal('deleted');
      });
      expect(await racing.update(gone, { ...gone, name: 'Back', version: 2 })).to.equal('not_found');
      expect(await plain.get(gone.user_id), 'never upserted').to.equal(undefined);
    });

    it('answers not_found to a delete whose user another delete removed between its read and its write', async () => {
      const plain = new FirestoreUserRepository(await firestore(), userCollections);
      const twice = newUser();
      await plain.create(twice);
      const racing = await racingUsers(async () => {
        expect(await plain.delete(twice.user_id)).to.equal('deleted');
      });
      expect(await racing.delete(twice.user_id)).to.equal('not_found');
    });

    it('refuses an If-Match delete when an update lands between its read and its write', async () => {
      const plain = new FirestoreUserRepository(await firestore(), userCollections);
      const kept = newUser();
      await plain.create(kept);
      const racing = await racingUsers(async () => {
        expect(await plain.update(kept, { ...kept, name: 'Renamed', version: 2 })).to.equal('updated');
      });
      expect(await racing.delete(kept.user_id, 1)).to.equal('version_mismatch');
      expect((await plain.get(kept.user_id))?.version).to.equal(2);
    });
  });

  describe('FirestoreOrderLedger specifics', () => {
    it('stores product and order ids that are not valid document ids', async () => {
      const ledger = new FirestoreOrderLedger(await firestore(), ledgerCollections);
      const odd = [`a/b-${run}`, `__x${run}__`, '.', `100%_${run}`];
      for (const [i, p] of odd.entries()) await ledger.setStock(p, i + 1);
      for (const [i, p] of odd.entries()) expect(await ledger.getStock(p), p).to.equal(i + 1);
    });

    it('reads again when the stock changes between its read and its write, and decides on the new stock', async () => {
      const plain = new FirestoreOrderLedger(await firestore(), ledgerCollections);
      const product = `stale-${randomUUID().slice(0, 8)}`;
      await plain.setStock(product, 5);
      const racing = await racingLedger(() => plain.setStock(product, 1));
      const req = orderRequest([{ product_id: product, quantity: 3 }], `o-${product}`);
      // on the stale read (5) it would place the order and write 2, undoing the other writer's 1
      expect(await racing.placeOrder(req)).to.deep.equal({
        outcome: 'insufficient',
        short: [{ product_id: product, requested: 3, available: 1 }],
      });
      expect(await plain.getStock(product)).to.equal(1);
      expect((await plain.getOrder(req.order.order_id))?.status).to.equal('CANCELLED_INSUFFICIENT_INVENTORY');
    });

    it('answers duplicate when another copy of the order is recorded between its read and its write', async () => {
      const plain = new FirestoreOrderLedger(await firestore(), ledgerCollections);
      const product = `copy-${randomUUID().slice(0, 8)}`;
      await plain.setStock(product, 10);
      const req = orderRequest([{ product_id: product, quantity: 3 }], `o-${product}`);
      const racing = await racingLedger(async () => {
        expect(await plain.placeOrder(req)).to.deep.equal({ outcome: 'placed' });
      });
      expect(await racing.placeOrder(req)).to.deep.equal({ outcome: 'duplicate', status: 'PLACED', fingerprint: req.fingerprint });
      expect(await plain.getStock(product), 'reserved once').to.equal(7);
    });

    it('keeps an entry another copy marked sent between its read and its write', async () => {
      const plain = new FirestoreOrderLedger(await firestore(), ledgerCollections);
      const product = `mark-${randomUUID().slice(0, 8)}`;
      await plain.setStock(product, 10);
      const req = orderRequest([{ product_id: product, quantity: 1 }], `o-${product}`);
      await plain.placeOrder(req);
      const racing = await racingLedger(() => plain.markSent(req.order.order_id, 'order-created'));
      await racing.markSent(req.order.order_id, 'payment-request');
      // a blind write of the stale outbox would bring `order-created` back as pending
      expect(await plain.pendingOutbox(req.order.order_id)).to.deep.equal([]);
    });
  });
});
