/**
 * The three image routes of a user: ask for a signed upload into the user's folder, list the
 * user's compressed copies with signed download URLs, and be redirected to one of them. The
 * bytes never pass through the function: the client talks to the store with the signed request.
 *
 * Width, height and size of a copy come from the metadata the images function writes on it
 * (`width`, `height`, `compressed-size`, see handlers/images/compressed-copy.ts), which every
 * store returns with its listing or head: no copy is downloaded to describe it.
 */
import type { HttpRequest, HttpResponse } from '../events';
import { META, outputKeyFor } from '../images/compressed-copy';
import type { ListedCopy, ObjectUrls } from '../ports/object-urls';
import { InvalidCursorError, type UserRepository } from '../ports/user-repository';
import type { Clock } from '../ports/clock';
import type { Ids } from '../ports/ids';
import { imagesSpec, type UsersSettings } from '../specs';
import { readJsonBody } from './body';
import { pageQuery } from './operations';
import { HttpProblem } from './problem';
import { newestFirstId, parseUploadRequest, sanitiseFilename, userFolder } from './upload-request';

export interface ImageOperationDeps {
  users: UserRepository;
  clock: Clock;
  ids: Ids;
  settings: UsersSettings;
  /** Absent where the runtime wires no store for images: the routes then answer 501. */
  objectUrls?: ObjectUrls;
}

/**
 * The images function writes `<outputPrefix><key>`; the users function reads the same default.
 * A stack that changes IMAGES_OUTPUT_PREFIX must not (the users API would list an empty folder).
 */
const OUTPUT_PREFIX = imagesSpec.settings.outputPrefix;

function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

function urlsOf(deps: ImageOperationDeps): ObjectUrls {
  if (!deps.objectUrls) throw new HttpProblem(501, 'this deployment has no image store for signed uploads');
  return deps.objectUrls;
}

async function requireUser(deps: ImageOperationDeps, id: string): Promise<void> {
  if (!(await deps.users.get(id))) throw new HttpProblem(404, `user ${id} does not exist`);
}

const later = (deps: ImageOperationDeps, seconds: number) => new Date(deps.clock.now().getTime() + seconds * 1000);

/** `POST /users/{id}/uploads`: 201 with the signed request for one new original. */
export async function requestUpload(deps: ImageOperationDeps, request: HttpRequest, id: string): Promise<HttpResponse> {
  const urls = urlsOf(deps);
  const input = parseUploadRequest(readJsonBody(request, deps.settings.maxBodyBytes), deps.settings.uploadMaxBytes);
  await requireUser(deps, id);
  const name = `${newestFirstId(deps.clock, deps.ids)}-${sanitiseFilename(input.filename)}`;
  const key = `${userFolder(id)}${name}`;
  const expiresAt = later(deps, deps.settings.uploadUrlSeconds);
  // The permit caps the body at the size the client declared, itself at most the limit.
  const upload = await urls.signUpload({ key, contentType: input.content_type, maxBytes: input.bytes, expiresAt });
  const location = `/users/${encodeURIComponent(id)}/images/${encodeURIComponent(name)}`;
  return json(201, { key, upload, expires_at: expiresAt.toISOString() }, { location });
}

/** A number written by the images function, or null for a copy made before it wrote that field. */
function numberOf(metadata: Record<string, string>, name: string): number | null {
  const value = metadata[name];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

async function describe(urls: ObjectUrls, copy: ListedCopy, expiresAt: Date) {
  return {
    key: copy.key,
    original_key: copy.key.slice(OUTPUT_PREFIX.length),
    url: await urls.signDownload(copy.key, expiresAt),
    width: numberOf(copy.metadata, META.width),
    height: numberOf(copy.metadata, META.height),
    bytes: numberOf(copy.metadata, META.compressedSize) ?? copy.size,
    expires_at: expiresAt.toISOString(),
  };
}

/** `GET /users/{id}/images`: the user's compressed copies, newest first, paginated like `/users`. */
export async function listImages(deps: ImageOperationDeps, request: HttpRequest, id: string): Promise<HttpResponse> {
  const urls = urlsOf(deps);
  const { limit, cursor } = pageQuery(request, deps.settings);
  await requireUser(deps, id);
  let page;
  try {
    page = await urls.listCopies(outputKeyFor(userFolder(id), OUTPUT_PREFIX), { limit, cursor });
  } catch (err) {
    if (err instanceof InvalidCursorError) throw new HttpProblem(400, 'cursor is not valid');
    throw err;
  }
  const expiresAt = later(deps, deps.settings.downloadUrlSeconds);
  const images = await Promise.all(page.copies.map((copy) => describe(urls, copy, expiresAt)));
  const body: Record<string, unknown> = { images, count: images.length };
  if (page.nextCursor !== undefined) body.next_cursor = page.nextCursor;
  return json(200, body);
}

/** `GET /users/{id}/images/{name}`: 302 to a signed URL of the copy, 404 while there is none. */
export async function redirectToImage(deps: ImageOperationDeps, id: string, name: string): Promise<HttpResponse> {
  const urls = urlsOf(deps);
  await requireUser(deps, id);
  const key = outputKeyFor(`${userFolder(id)}${name}`, OUTPUT_PREFIX);
  const copy = await urls.headCopy(key);
  if (!copy) throw new HttpProblem(404, `there is no compressed copy ${name} of user ${id} (yet)`);
  const url = await urls.signDownload(key, later(deps, deps.settings.downloadUrlSeconds));
  // The URL expires: a cache must not keep handing out the redirect.
  return { status: 302, headers: { location: url, 'cache-control': 'no-store' } };
}
