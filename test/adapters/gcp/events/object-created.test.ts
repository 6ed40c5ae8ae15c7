/** Cloud Storage finalized CloudEvents -> ObjectCreated, from the real fixtures. */
import { expect } from 'chai';
import { isPermanent } from '../../../../handlers/errors';
import { objectCreatedFromCloudEvent, objectOfUnusableEvent, type StorageCloudEvent } from '../../../../adapters/gcp/events/object-created';
import { eventFixture } from '../../../support/fixtures';

const finalized = () => eventFixture<StorageCloudEvent & { data: Record<string, unknown> }>('gcp', 'storage-object-finalized.cloudevent-structured.json');

describe('GCP object-created translator', () => {
  it('reads bucket, name, size (a decimal string in JSON), etag and creation time from the fixture', () => {
    expect(objectCreatedFromCloudEvent(finalized())).to.deep.equal({
      bucket: 'some-bucket',
      key: 'folder/Test.cs',
      size: 352,
      etag: 'CNHZkbuF/ugCEAE=',
      eventTime: '2020-04-23T07:38:57.230Z',
    });
  });

  it('uses the object name as is: GCS names in CloudEvents are not URL-encoded', () => {
    const event = finalized();
    event.data = { ...event.data, name: 'photos/a+b c%20d ü.JPG' };
    expect(objectCreatedFromCloudEvent(event).key).to.equal('photos/a+b c%20d ü.JPG');
  });

  it('reads data the framework left as a JSON string (binary mode with another content type)', () => {
    const event = finalized();
    expect(objectCreatedFromCloudEvent({ ...event, data: JSON.stringify(event.data) }).key).to.equal('folder/Test.cs');
  });

  it('refuses, as permanent, another event type or an event without bucket and name', () => {
    for (const event of [
      { ...finalized(), type: 'google.cloud.storage.object.v1.deleted' },
      { ...finalized(), data: { some: 'payload' } },
      { ...finalized(), data: 'not json' },
      { ...finalized(), data: undefined },
    ]) {
      let thrown: unknown;
      try {
        objectCreatedFromCloudEvent(event);
      } catch (err) {
        thrown = err;
      }
      expect(isPermanent(thrown), JSON.stringify(event.type)).to.equal(true);
    }
  });

  it('recovers bucket and object from source and subject for the dead letter of an unusable event', () => {
    expect(objectOfUnusableEvent({ ...finalized(), data: { some: 'payload' } })).to.deep.equal({ bucket: 'some-bucket', key: 'folder/Test.cs' });
  });

  it('names no object, rather than crashing, when source and subject are not strings', () => {
    const odd = { ...finalized(), source: {}, subject: true, data: null } as unknown as StorageCloudEvent;
    expect(objectOfUnusableEvent(odd)).to.deep.equal({ bucket: '', key: '' });
  });
});
