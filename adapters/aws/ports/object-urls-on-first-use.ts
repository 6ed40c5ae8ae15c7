/**
 * ObjectUrls that loads the real one on the first call of any method. The users function wires
 * S3 signing through it: only the image routes sign or list anything, and the S3 client with the
 * two presigners is most of what V8 would otherwise compile on every cold start (the users
 * index.js went from 252 KB to 453 KB with them). In the package the loader's `require` is of a
 * file of its own, object-urls.js (scripts/package/aws.ts); from source, of the module itself.
 */
import type { CopyPage, ListedCopy, ObjectUrls, SignedUpload, UploadPermit } from '../../../handlers/ports/object-urls';

export class ObjectUrlsOnFirstUse implements ObjectUrls {
  private loaded?: ObjectUrls;

  /** A `load` that throws fails that call only: the next call loads again. */
  constructor(private readonly load: () => ObjectUrls) {}

  private get urls(): ObjectUrls {
    return (this.loaded ??= this.load());
  }

  async signUpload(permit: UploadPermit): Promise<SignedUpload> {
    return this.urls.signUpload(permit);
  }

  async signDownload(key: string, expiresAt: Date): Promise<string> {
    return this.urls.signDownload(key, expiresAt);
  }

  async headCopy(key: string): Promise<ListedCopy | undefined> {
    return this.urls.headCopy(key);
  }

  async listCopies(prefix: string, options: { limit: number; cursor?: string }): Promise<CopyPage> {
    return this.urls.listCopies(prefix, options);
  }
}
