/**
 * What `POST /users/{id}/uploads` must hold, and the object key it leads to.
 *
 * The key is `<user_id>/<id>-<filename>`: the owner's folder, as the uploads of the system this
 * project implements were (`<uid>/<timestamp>_<name>`). `<id>` starts with a REVERSED timestamp
 * so that the stores' listing order (ascending by key, on S3, Azure, Cloud Storage and SQLite
 * alike) is newest first, then a random part so that two uploads in one millisecond never collide.
 */
import * as v from 'valibot';
import type { Clock } from '../ports/clock';
import type { Ids } from '../ports/ids';
import { validate } from './validation';

/** The content types a client may upload, with the extensions each may carry (lower-case). */
export const UPLOAD_TYPES = {
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
} as const;
export type UploadType = keyof typeof UPLOAD_TYPES;

/**
 * 100 characters keeps the whole key under every store's limit (S3 and Cloud Storage 1,024 UTF-8
 * bytes, Azure 1,024 characters): a 255-character user id, the 22-character id, the `compressed/`
 * prefix and 100 characters of up to 4 bytes each come to under 700 bytes.
 */
export const MAX_FILENAME_CHARACTERS = 100;

const CONTROL_CHARACTER = /\p{Cc}/u;

const filename = v.pipe(
  v.string('filename must be a string'),
  v.check((s) => s.length > 0, 'filename must not be empty'),
  v.check((s) => [...s].length <= MAX_FILENAME_CHARACTERS, `filename must be at most ${MAX_FILENAME_CHARACTERS} characters`),
  v.check((s) => !CONTROL_CHARACTER.test(s), 'filename must not contain control characters'),
  // A key is a folder path in every console and in the local store's listing: a separator or a
  // `..` would put the object somewhere else than the caller's folder, or look as if it did.
  v.check((s) => !/[/\\]/.test(s), 'filename must not contain path separators'),
  v.check((s) => !s.includes('..'), 'filename must not contain ".."'),
);

const contentType = v.picklist(Object.keys(UPLOAD_TYPES) as UploadType[], `content_type must be one of ${Object.keys(UPLOAD_TYPES).join(', ')}`);

/** The body of `POST /users/{id}/uploads`, for a limit (also converted into openapi.json). */
export function uploadSchema(maxBytes: number) {
  return v.pipe(
    v.strictObject(
      {
        filename,
        content_type: contentType,
        bytes: v.pipe(
          v.number('bytes must be a number'),
          v.integer('bytes must be an integer'),
          v.minValue(1, 'bytes must be at least 1'),
          v.maxValue(maxBytes, `bytes must be at most ${maxBytes}, the images function's size limit`),
        ),
      },
      'unknown field',
    ),
    v.forward(
      v.check(
        (u) => UPLOAD_TYPES[u.content_type].some((ext) => u.filename.toLowerCase().endsWith(ext)),
        'filename must end in an extension of its content type (.jpg or .jpeg for image/jpeg, .png for image/png)',
      ),
      ['filename'],
    ),
  );
}

export interface UploadRequest {
  filename: string;
  content_type: UploadType;
  bytes: number;
}

/** The parsed request, or a 422 naming every field that is wrong. */
export function parseUploadRequest(input: unknown, maxBytes: number): UploadRequest {
  return validate(uploadSchema(maxBytes), input);
}

/**
 * The filename as it goes into the key: characters other than ASCII letters, digits, `.`, `-`
 * and `_` become `_`. A key is then safe in a URL path without encoding surprises (S3 events
 * encode a space as `+`), in a Content-Disposition and in a shell; the extension, checked above,
 * is kept.
 */
export function sanitiseFilename(name: string): string {
  return name.normalize('NFC').replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Milliseconds up to which the reversed timestamp keeps 13 digits (the year 2286). */
const TIME_CEILING = 9_999_999_999_999;

/** `<13-digit reversed time><8 hex>`: sorts newest first, unique with the random part. */
export function newestFirstId(clock: Clock, ids: Ids): string {
  const reversed = String(TIME_CEILING - clock.now().getTime()).padStart(13, '0');
  const random = ids.newId().replace(/[^0-9a-z]/gi, '').slice(0, 8).toLowerCase();
  return `${reversed}${random}`;
}

/** The folder of a user's originals; the compressed copies keep it under the images' output prefix. */
export function userFolder(userId: string): string {
  return `${userId}/`;
}

