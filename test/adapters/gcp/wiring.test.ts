/**
 * The wiring reads the names `environment.ts` lists (the names infra/gcp sets): each required one,
 * when missing, fails the cold start naming it; and the images function refuses to write into the
 * bucket that triggers it.
 */
import { expect } from 'chai';
import { gcpEnvironment as names, gcpVariablesOf } from '../../../adapters/gcp/environment';
import { buildImagesRuntime, buildOrdersRuntime } from '../../../adapters/gcp/wiring';

const complete = {
  [names.common.projectId]: 'p',
  [names.images.originalsBucket]: 'originals',
  [names.images.compressedBucket]: 'compressed',
  [names.images.deadLetterTopic]: 'images-dead-letters',
  [names.orders.paymentsTopic]: 'payments',
  [names.orders.eventsTopic]: 'events',
  [names.orders.deadLetterTopic]: 'orders-dead-letters',
};

function failure(build: () => unknown): string {
  try {
    build();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no failure';
}

describe('GCP wiring and environment', () => {
  for (const name of [names.images.compressedBucket, names.images.deadLetterTopic]) {
    it(`images: a missing ${name} fails, naming it`, () => {
      const { [name]: _gone, ...env } = complete;
      expect(failure(() => buildImagesRuntime(env))).to.equal(`environment variable ${name} is not set`);
    });
  }

  for (const name of [names.orders.paymentsTopic, names.orders.eventsTopic, names.orders.deadLetterTopic]) {
    it(`orders: a missing ${name} fails, naming it`, () => {
      const { [name]: _gone, ...env } = complete;
      expect(failure(() => buildOrdersRuntime(env))).to.equal(`environment variable ${name} is not set`);
    });
  }

  it('images: refuses a compressed bucket equal to the originals bucket (it would trigger itself forever)', () => {
    const env = { ...complete, [names.images.compressedBucket]: 'originals' };
    expect(failure(() => buildImagesRuntime(env))).to.match(/COMPRESSED_BUCKET must differ from ORIGINALS_BUCKET/);
  });

  it('reads function settings by the shared naming rule', () => {
    const runtime = buildImagesRuntime({ ...complete, IMAGES_MAX_DIMENSION: '640' });
    expect(runtime.config.maxDimension).to.equal(640);
    expect(runtime.config.compressedBucket).to.equal('compressed');
  });

  it('lists, per function, the names infra must set', () => {
    expect(gcpVariablesOf('orders')).to.have.members(['GCP_PROJECT_ID', 'FIRESTORE_DATABASE', 'PAYMENTS_TOPIC', 'EVENTS_TOPIC', 'ORDERS_DEAD_LETTER_TOPIC']);
    expect(gcpVariablesOf('users')).to.have.members(['GCP_PROJECT_ID', 'FIRESTORE_DATABASE', 'ORIGINALS_BUCKET', 'COMPRESSED_BUCKET']);
  });
});
