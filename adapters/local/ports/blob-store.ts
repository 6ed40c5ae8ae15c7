/**
 * Buckets as folders on disk: `<data>/buckets/<bucket>/<file>`, with size, content type,
 * metadata and etag in the `objects` table. A put writes a temporary file in the same folder
 * and renames it over the final name (rename is atomic within one file system), so that a
 * reader or a crash never sees half an image.
 *
 * The rename and the row change happen in one write transaction (BEGIN IMMEDIATE), which is also
 * where a conditional put (`ifVersion`) compares the row's etag: no other put, in this process or
 * another, can slip between the check and the write.
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, renameSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ObjectChangedError, type BlobStore, type ObjectHead, type PutOptions, type StoredObject } from '../../../handlers/ports/blob-store';
import { whenNotBusy } from '../busy';
import type { Db } from '../database';
import { temporaryName } from './temporaries';

export interface ObjectListing {
  key: string;
  size: number;
  contentType?: string;
  etag: string;
  updatedAt: string;
}

interface ObjectRow {
  key: string;
  size: number;
  content_type: string | null;
  metadata: string;
  etag: string;
  updated_at: string;
}

/** Longest file name we produce; most file systems stop at 255 bytes. */
const MAX_FILE_NAME = 200;

/**
 * One flat file per key: the key percent-encoded (so `/`, `..` and unicode cannot escape the
 * bucket folder and `a` and `a/b` never collide as file and folder), or its SHA-256 when the
 * encoded name is too long for the file system.
 */
export function fileNameOf(key: string): string {
  const encoded = encodeURIComponent(key).replace(/\./g, (dot, i: number) => (i === 0 ? '%2E' : dot));
  return encoded.length <= MAX_FILE_NAME ? encoded : `sha256-${createHash('sha256').update(key).digest('hex')}`;
}

/** A streamed put went over its byte limit; nothing was stored. */
export class ObjectTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the object is larger than ${limit} bytes`);
    this.name = 'ObjectTooLargeError';
  }
}

function bucketName(bucket: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(bucket)) throw new Error(`invalid bucket name: ${JSON.stringify(bucket)}`);
  return bucket;
}

export class LocalBlobStore implements BlobStore {
  constructor(
    private readonly db: Db,
    private readonly root: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  pathOf(bucket: string, key: string): string {
    return join(this.root, bucketName(bucket), fileNameOf(key));
  }

  async head(bucket: string, key: string): Promise<ObjectHead | undefined> {
    const row = await whenNotBusy(() => this.db.prepare<[string, string], ObjectRow>('SELECT * FROM objects WHERE bucket = ? AND key = ?').get(bucket, key));
    if (!row) return undefined;
    const head: ObjectHead = { size: row.size, metadata: JSON.parse(row.metadata) as Record<string, string>, etag: row.etag, version: row.etag };
    if (row.content_type !== null) head.contentType = row.content_type;
    return head;
  }

  async get(bucket: string, key: string): Promise<StoredObject | undefined> {
    const head = await this.head(bucket, key);
    if (!head) return undefined;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(bucket, key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return { ...head, size: bytes.length, bytes };
  }

  async put(bucket: string, key: string, bytes: Uint8Array, options: PutOptions): Promise<void> {
    await this.store(bucket, key, options, async (temporary) => {
      await writeFile(temporary, bytes, { flush: true });
      return { size: bytes.byteLength, etag: createHash('md5').update(bytes).digest('hex') };
    });
  }

  /**
   * An upload streamed from `body` into the temporary file, hashed as it goes: memory stays at a
   * few chunks whatever the size. More than `maxBytes` stops the copy with ObjectTooLargeError
   * and stores nothing.
   */
  async putStream(bucket: string, key: string, body: Readable, options: PutOptions, maxBytes: number): Promise<{ size: number; etag: string }> {
    return this.store(bucket, key, options, async (temporary) => {
      const md5 = createHash('md5');
      const counted = { size: 0 };
      await pipeline(body, hashingLimit(md5, counted, maxBytes), createWriteStream(temporary, { flush: true }));
      return { size: counted.size, etag: md5.digest('hex') };
    });
  }

  private async store(
    bucket: string,
    key: string,
    options: PutOptions,
    write: (temporary: string) => Promise<{ size: number; etag: string }>,
  ): Promise<{ size: number; etag: string }> {
    const final = this.pathOf(bucket, key);
    const folder = join(this.root, bucketName(bucket));
    await mkdir(folder, { recursive: true });
    const temporary = join(folder, temporaryName());
    try {
      const written = await write(temporary);
      const commit = this.db.transaction(() => {
        if (options.ifVersion !== undefined) {
          const current = this.db.prepare<[string, string], { etag: string }>('SELECT etag FROM objects WHERE bucket = ? AND key = ?').get(bucket, key);
          if ((current?.etag ?? null) !== options.ifVersion) throw new ObjectChangedError(bucket, key);
        }
        // inside the transaction: the write lock is held, so no other put renames in between
        renameSync(temporary, final);
        this.db
          .prepare(
            `INSERT INTO objects (bucket, key, size, content_type, metadata, etag, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, content_type = excluded.content_type,
               metadata = excluded.metadata, etag = excluded.etag, updated_at = excluded.updated_at`,
          )
          .run(bucket, key, written.size, options.contentType, JSON.stringify(options.metadata), written.etag, this.now().toISOString());
      });
      await whenNotBusy(() => commit.immediate());
      return written;
    } catch (err) {
      await rm(temporary, { force: true });
      throw err;
    }
  }

  /** Keys under `prefix`, in key order, at most `limit` of them. */
  list(bucket: string, prefix = '', limit = 1000): ObjectListing[] {
    // callers on the request path wrap this in whenNotBusy (a read is rarely refused under WAL)
    const listing: ObjectListing[] = [];
    // Keys sort by their UTF-8 bytes, so every key with the prefix follows it without a gap.
    const rows = this.db
      .prepare<[string, string], ObjectRow>('SELECT * FROM objects WHERE bucket = ? AND key >= ? ORDER BY key')
      .iterate(bucket, prefix);
    for (const r of rows) {
      if (!r.key.startsWith(prefix) || listing.length >= limit) break;
      listing.push({ key: r.key, size: r.size, etag: r.etag, updatedAt: r.updated_at, ...(r.content_type !== null ? { contentType: r.content_type } : {}) });
    }
    return listing;
  }
}

/** Counts and hashes the bytes passing through, and stops the stream past `maxBytes`. */
function hashingLimit(hash: Hash, counted: { size: number }, maxBytes: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counted.size += chunk.length;
      if (counted.size > maxBytes) return done(new ObjectTooLargeError(maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
}
