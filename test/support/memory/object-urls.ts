/**
 * An in-memory ObjectUrls for unit tests of the core (not shipped): it records the permits it
 * signed and lists copies a test puts in `copies`. Its URLs are not fetchable; the adapters'
 * own tests fetch theirs from real stores.
 */
import { InvalidCursorError } from '../../../handlers/ports/user-repository';
import type { CopyPage, ListedCopy, ObjectUrls, SignedUpload, UploadPermit } from '../../../handlers/ports/object-urls';

export class MemoryObjectUrls implements ObjectUrls {
  readonly permits: UploadPermit[] = [];
  readonly copies = new Map<string, ListedCopy>();

  addCopy(key: string, metadata: Record<string, string>, size = 1000): void {
    this.copies.set(key, { key, size, metadata });
  }

  async signUpload(permit: UploadPermit): Promise<SignedUpload> {
    this.permits.push(permit);
    return { method: 'PUT', url: `memory://originals/${permit.key}?expires=${permit.expiresAt.toISOString()}`, headers: { 'content-type': permit.contentType }, fields: {} };
  }

  async signDownload(key: string, expiresAt: Date): Promise<string> {
    return `memory://compressed/${key}?expires=${expiresAt.toISOString()}`;
  }

  async headCopy(key: string): Promise<ListedCopy | undefined> {
    return this.copies.get(key);
  }

  async listCopies(prefix: string, { limit, cursor }: { limit: number; cursor?: string }): Promise<CopyPage> {
    let after = '';
    if (cursor !== undefined) {
      after = Buffer.from(cursor, 'base64url').toString('utf8');
      if (!after.startsWith(prefix)) throw new InvalidCursorError();
    }
    const keys = [...this.copies.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
    const copies = keys.slice(0, limit).map((k) => this.copies.get(k)!);
    const page: CopyPage = { copies };
    if (keys.length > limit) page.nextCursor = Buffer.from(copies[copies.length - 1].key).toString('base64url');
    return page;
  }
}
