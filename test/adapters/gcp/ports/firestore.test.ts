/**
 * The UserRepository and OrderLedger contracts against Google's Firestore emulator, plus what the
 * contracts cannot see: the stored shape of the email claim, cursors that are tampered with, and
 * ids Firestore cannot take as document ids.
 */
import { Firestore } from '@google-cloud/firestore';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { InvalidCursorError } from '../../../../handlers/ports/user-repository';
import { emailClaimId } from '../../../../adapters/gcp/ports/document-ids';
import { FirestoreOrderLedger } from '../../../../adapters/gcp/ports/order-ledger';
import { FirestoreUserRepository } from '../../../../adapters/gcp/ports/user-repository';
import { describeOrderLedgerContract } from '../../../contracts/order-ledger.contract';
import { describeUserRepositoryContract } from '../../../contracts/user-repository.contract';
import { gcpPeers, gcpPeersMissing } from '../../../support/gcp-peers';

const missing = gcpPeersMissing();
let db: Firestore | undefined;

/** One client per suite file, on collections of its own so suites never see each other's data. */
async function firestore(): Promise<Firestore> {
  const { projectId } = await gcpPeers();
  db ??= new Firestore({ projectId, ignoreUndefinedProperties: true });
  return db;
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
  });

  describe('FirestoreOrderLedger specifics', () => {
    it('stores product and order ids that are not valid document ids', async () => {
      const ledger = new FirestoreOrderLedger(await firestore(), ledgerCollections);
      const odd = [`a/b-${run}`, `__x${run}__`, '.', `100%_${run}`];
      for (const [i, p] of odd.entries()) await ledger.setStock(p, i + 1);
      for (const [i, p] of odd.entries()) expect(await ledger.getStock(p), p).to.equal(i + 1);
    });
  });
});
