import { expect } from 'chai';
import { awsEnvironment as names } from '../../../adapters/aws/environment';
import { imagesWiring, ordersWiring, usersWiring } from '../../../adapters/aws/wiring';

const imagesEnv = {
  [names.images.originalsBucket]: 'originals',
  [names.images.compressedBucket]: 'compressed',
  [names.images.deadLetterQueueUrl]: 'http://127.0.0.1:1/000000000000/images-dlq',
};

describe('aws wiring', () => {
  it('refuses to write compressed copies into the bucket that triggers the function', () => {
    expect(() => imagesWiring({ ...imagesEnv, [names.images.compressedBucket]: 'originals' })).to.throw(/COMPRESSED_BUCKET must differ/);
  });

  it('names the variable the deployment forgot', () => {
    expect(() => usersWiring({})).to.throw(/USERS_TABLE/);
    expect(() => usersWiring({ USERS_TABLE: 'users', ORIGINALS_BUCKET: 'originals' })).to.throw(/COMPRESSED_BUCKET/);
    expect(() => ordersWiring({ ORDERS_TABLE: 't', PAYMENTS_QUEUE_URL: 'q', EVENTS_TOPIC_ARN: 'arn' })).to.throw(/ORDERS_DEAD_LETTER_QUEUE_URL/);
  });

  it('reads function settings from the same environment', () => {
    expect(imagesWiring({ ...imagesEnv, IMAGES_MAX_DIMENSION: '640' }).config).to.include({ maxDimension: 640, compressedBucket: 'compressed' });
    expect(usersWiring({ USERS_TABLE: 'users', ORIGINALS_BUCKET: 'o', COMPRESSED_BUCKET: 'c', USERS_MAX_PAGE_SIZE: '50' }).settings.maxPageSize).to.equal(50);
  });
});
