/**
 * The five BlobStores the images race runs on, each with an originals and a compressed bucket of
 * its own: memory, the local folders + SQLite, S3 (s3rver, with S3's conditional writes applied
 * in front of it: see s3-conditional-writes.ts), Azure Blob (Azurite) and Cloud Storage (the JSON
 * API stand-in: no emulator installs here).
 */
import { Storage } from '@google-cloud/storage';
import { BlobServiceClient } from '@azure/storage-blob';
import { randomUUID } from 'node:crypto';
import { S3BlobStore } from '../../adapters/aws/ports/blob-store';
import { AzureBlobStore } from '../../adapters/azure/ports/blob-store';
import { GcsBlobStore } from '../../adapters/gcp/ports/blob-store';
import { localBuckets } from '../../adapters/local/environment';
import type { BlobStore } from '../../handlers/ports/blob-store';
import { startGcsStandIn } from '../adapters/gcp/support/gcs-stand-in';
import { localHarness } from '../adapters/local/local-harness';
import { s3Peer } from './aws-peers';
import { startAzurite } from './azure-peers';
import { MemoryBlobStore } from './memory';
import { peerUnavailable } from './processes';

export interface OpenBlobStore {
  store: BlobStore;
  originals: string;
  compressed: string;
  close(): Promise<void>;
}

export interface BlobStoreUnderTest {
  name: string;
  /** The store, or the reason it cannot run here (the suite skips with it). */
  open(): Promise<OpenBlobStore | string>;
}

export const blobStoresUnderTest: readonly BlobStoreUnderTest[] = [
  { name: 'memory', open: async () => ({ store: new MemoryBlobStore(), originals: 'originals', compressed: 'compressed', close: async () => {} }) },
  {
    name: 'local folders + SQLite',
    async open() {
      const h = localHarness();
      return { store: h.ports.blobs, originals: localBuckets.originals, compressed: localBuckets.compressed, close: async () => h.dispose() };
    },
  },
  {
    name: 'S3 (s3rver)',
    async open() {
      const peer = await s3Peer();
      const suffix = randomUUID().slice(0, 8);
      await peer.createBucket(`originals-${suffix}`);
      await peer.createBucket(`compressed-${suffix}`);
      return { store: new S3BlobStore(peer.s3), originals: `originals-${suffix}`, compressed: `compressed-${suffix}`, close: async () => {} };
    },
  },
  {
    name: 'Azure Blob (Azurite)',
    async open() {
      const azurite = await startAzurite();
      if (!azurite) return peerUnavailable('Azurite is not installed (npm ci installs azurite@3.35.0)');
      const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
      const suffix = randomUUID().slice(0, 8);
      for (const name of [`originals-${suffix}`, `compressed-${suffix}`]) await service.getContainerClient(name).createIfNotExists();
      return { store: new AzureBlobStore(service), originals: `originals-${suffix}`, compressed: `compressed-${suffix}`, close: () => azurite.stop() };
    },
  },
  {
    name: 'Cloud Storage (JSON API stand-in)',
    async open() {
      const standIn = await startGcsStandIn(['originals', 'compressed']);
      process.env.METADATA_SERVER_DETECTION = 'none';
      const previous = process.env.STORAGE_EMULATOR_HOST;
      process.env.STORAGE_EMULATOR_HOST = standIn.endpoint;
      let storage: Storage;
      try {
        storage = new Storage({ projectId: 'multicloud-functions-test' });
      } finally {
        if (previous === undefined) delete process.env.STORAGE_EMULATOR_HOST;
        else process.env.STORAGE_EMULATOR_HOST = previous;
      }
      return { store: new GcsBlobStore(storage), originals: 'originals', compressed: 'compressed', close: () => standIn.close() };
    },
  },
];
