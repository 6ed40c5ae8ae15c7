import { expect } from 'chai';
import { decodeS3Key, objectsCreated, unreadableObjectRecords, type S3Event } from '../../../../adapters/aws/events/object-created';
import { eventFixture } from '../../../support/fixtures';

describe('aws events: S3 notifications to ObjectCreated', () => {
  it('translates every record of a two-record event, decoding the form-encoded key', () => {
    const events = objectsCreated(eventFixture<S3Event>('aws', 's3-put-2-records-plus-encoded-key.json'));
    expect(events).to.deep.equal([
      { bucket: 'sourcebucket', key: 'HappyFace.jpg', size: 1024, etag: '0123456789abcdef0123456789abcdef', eventTime: '1970-01-01T00:00:00.000Z' },
      { bucket: 'sourcebucket', key: 'New File.jpg', size: 1024, etag: '0123456789abcdef0123456789abcdef', eventTime: '1970-01-01T00:00:00.000Z' },
    ]);
  });

  it('translates a captured real event', () => {
    expect(objectsCreated(eventFixture<S3Event>('aws', 's3-put-real-capture.json'))).to.deep.equal([
      {
        bucket: 'lambda-artifacts-deafc19498e3f2df',
        key: 'b21b84d653bb07b05b1e6b33684dc11b',
        size: 1305107,
        etag: 'b21b84d653bb07b05b1e6b33684dc11b',
        eventTime: '2019-09-03T19:37:27.192Z',
      },
    ]);
  });

  it('decodes + as a space before percent escapes, so an encoded plus survives', () => {
    expect(decodeS3Key('a+b.jpg')).to.equal('a b.jpg');
    expect(decodeS3Key('a%2Bb.jpg')).to.equal('a+b.jpg');
    expect(decodeS3Key('dir/%C3%BCn%C3%AFcode+%E7%85%A7%E7%89%87.png')).to.equal('dir/ünïcode 照片.png');
    expect(decodeS3Key('100%25.jpg')).to.equal('100%.jpg');
  });

  it('leaves out removals and S3 test events, which are not uploads', () => {
    const removal = eventFixture<S3Event>('aws', 's3-put-real-capture.json');
    removal.Records![0].eventName = 'ObjectRemoved:Delete';
    expect(objectsCreated(removal)).to.deep.equal([]);
    expect(objectsCreated({ Service: 'Amazon S3', Event: 's3:TestEvent' } as S3Event)).to.deep.equal([]);
  });

  it('sets aside records that name no object, with a reason, and ignores optional fields of the wrong type', () => {
    const event = eventFixture<S3Event>('aws', 's3-put-2-records-plus-encoded-key.json');
    const [good, second] = event.Records!;
    const broken = {
      Records: [
        { ...good, eventTime: 7, s3: { ...good.s3, object: { ...good.s3.object, eTag: 12, size: '9' } } },
        { ...second, s3: { ...second.s3, object: { ...second.s3.object, key: undefined } } },
        { ...second, s3: { ...second.s3, bucket: { name: null } } },
      ],
    } as unknown as S3Event;
    expect(objectsCreated(broken)).to.deep.equal([{ bucket: good.s3.bucket.name, key: 'HappyFace.jpg' }]);
    expect(unreadableObjectRecords(broken)).to.deep.equal([
      { bucket: second.s3.bucket.name, key: '', reason: 'S3 record has no object key' },
      { bucket: '', key: 'New+File.jpg', reason: 'S3 record has no bucket name' },
    ]);
    expect(unreadableObjectRecords(event)).to.deep.equal([]);
  });
});
