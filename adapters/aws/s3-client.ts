/**
 * The S3 client of this process, built on first use. A module of its own, apart from ./wiring.ts,
 * because the users package bundles the signing path (./ports/object-urls.ts) into a file of its
 * own that builds its client here without the rest of the wiring (scripts/package/aws.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';

let s3: S3Client | undefined;

/**
 * Checksums only where S3 requires them: the SDK's default since 3.729 adds a streaming checksum
 * that S3-compatible peers store with its chunk framing.
 */
export const s3Client = () => (s3 ??= new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }));
