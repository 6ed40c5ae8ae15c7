/**
 * ObjectUrls for the local runtime: HMAC-signed URLs to this server's `/signed/` endpoint
 * (../signed-urls.ts), and the compressed copies listed from the `objects` table, metadata and all.
 */
import type { CopyPage, ListedCopy, ObjectUrls, SignedUpload, UploadPermit } from '../../../handlers/ports/object-urls';
import { InvalidCursorError } from '../../../handlers/ports/user-repository';
import type { Db } from '../database';
import { signPath } from '../signed-urls';

interface CopyRow {
  key: string;
  size: number;
  metadata: string;
}

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

export class LocalObjectUrls implements ObjectUrls {
  constructor(
    private readonly db: Db,
    private readonly secret: Buffer,
    private readonly buckets: { originals: string; compressed: string },
    /** The server's own base URL (`http://127.0.0.1:<port>`), known once it listens. */
    private readonly baseUrl: () => string,
  ) {}

  async signUpload(permit: UploadPermit): Promise<SignedUpload> {
    const path = signPath(this.secret, {
      method: 'PUT',
      bucket: this.buckets.originals,
      key: permit.key,
      expires: seconds(permit.expiresAt),
      maxBytes: permit.maxBytes,
      contentType: permit.contentType,
    });
    return { method: 'PUT', url: `${this.baseUrl()}${path}`, headers: { 'content-type': permit.contentType }, fields: {} };
  }

  async signDownload(key: string, expiresAt: Date): Promise<string> {
    return `${this.baseUrl()}${signPath(this.secret, { method: 'GET', bucket: this.buckets.compressed, key, expires: seconds(expiresAt) })}`;
  }

  async headCopy(key: string): Promise<ListedCopy | undefined> {
    const row = this.db.prepare<[string, string], CopyRow>('SELECT key, size, metadata FROM objects WHERE bucket = ? AND key = ?').get(this.buckets.compressed, key);
    return row && copyOf(row);
  }

  async listCopies(prefix: string, { limit, cursor }: { limit: number; cursor?: string }): Promise<CopyPage> {
    let after = prefix;
    if (cursor !== undefined) {
      after = Buffer.from(cursor, 'base64url').toString('utf8');
      // A cursor names the last key of a page of this prefix: anything else was not issued here.
      if (!after.startsWith(prefix) || after === prefix) throw new InvalidCursorError();
    }
    // Keys sort by their UTF-8 bytes, so every key with the prefix follows it without a gap.
    const rows = this.db
      .prepare<[string, string, number], CopyRow>('SELECT key, size, metadata FROM objects WHERE bucket = ? AND key > ? ORDER BY key LIMIT ?')
      .all(this.buckets.compressed, after, limit + 1)
      .filter((r) => r.key.startsWith(prefix));
    const copies = rows.slice(0, limit).map(copyOf);
    const page: CopyPage = { copies };
    if (rows.length > limit) page.nextCursor = Buffer.from(copies[copies.length - 1].key).toString('base64url');
    return page;
  }
}

function copyOf(row: CopyRow): ListedCopy {
  return { key: row.key, size: row.size, metadata: JSON.parse(row.metadata) as Record<string, string> };
}
