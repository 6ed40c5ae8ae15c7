/**
 * Cloud Storage bucket names. They share ONE namespace with every other Google Cloud customer, so
 * a default derived from the stack name alone (`mcf-dev-gcp-originals`) fails with 409 "The
 * requested bucket name is not available" for the second person in the world who deploys `dev-gcp`.
 * The defaults therefore carry the project id, which is itself globally unique (Resource Manager,
 * "Creating and managing projects"); each name can be overridden, and every name, default or
 * given, is checked against Cloud Storage's naming rules before anything is created.
 *
 * Rules (https://cloud.google.com/storage/docs/buckets#naming):
 * - 3-63 characters; only lower-case letters, digits, hyphens, underscores and dots;
 * - start and end with a letter or a digit;
 * - not an IP address in dotted-decimal form; not starting with "goog"; not containing "google"
 *   or a close misspelling of it such as "g00gle";
 * - a name with dots is a domain name and needs a verified domain (up to 222 characters): this
 *   program refuses dots rather than fail on the verification at create time.
 */
import { createHash } from 'node:crypto';
import { ConfigValues, refuse } from '../config-values';

export const bucketNamingSource = 'https://cloud.google.com/storage/docs/buckets#naming';

/** The three buckets and the config key that overrides each name. */
export const bucketKeys = {
  originals: 'originalsBucket',
  compressed: 'compressedBucket',
  sources: 'sourcesBucket',
} as const;
export type BucketRole = keyof typeof bucketKeys;
export type BucketNames = Record<BucketRole, string>;

const maxLength = 63;

/** Why Cloud Storage would refuse `name`, or undefined when it accepts it. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > maxLength) return `3 to ${maxLength} characters (it has ${name.length})`;
  if (name.includes('.')) return 'no dots (a dotted name is a domain name and needs a verified domain)';
  if (!/^[a-z0-9_-]+$/.test(name)) return 'only lower-case letters, digits, hyphens and underscores';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'a letter or digit first and last';
  if (name.startsWith('goog')) return 'no "goog" prefix (reserved by Google)';
  // "google" and close misspellings: 0 for o, and 9 or q for g, as in Google's own example g00gle.
  if (/[g9q][o0][o0][g9q]l[e3]/.test(name)) return 'no "google" or close misspelling of it';
  return undefined;
}

/**
 * `<prefix>-<role>-<project>`: the project id makes it unique in the world, the prefix keeps two
 * stacks of one project apart. When that is longer than 63 characters, the project id gives way
 * to 10 hex digits of a hash of it (unique in practice, not by construction: set the name when a
 * collision is reported).
 */
export function defaultBucketName(namePrefix: string, role: BucketRole, project: string): string {
  const full = `${namePrefix}-${role}-${project}`;
  if (full.length <= maxLength) return full;
  const tag = createHash('sha256').update(project).digest('hex').slice(0, 10);
  return `${namePrefix}-${role}-${tag}`;
}

/**
 * The stack's bucket names: each from its key when set, else the default. A name Cloud Storage
 * would refuse stops the program with the key, the name, the rule and its source.
 */
export function readBucketNames(values: ConfigValues, namePrefix: string, project: string): BucketNames {
  const names = {} as BucketNames;
  for (const [role, key] of Object.entries(bucketKeys) as [BucketRole, string][]) {
    // Any text here; bucketNameProblem below says precisely what Cloud Storage would refuse.
    const given = values.text(key, /^[^\s]+$/, 'a bucket name (no blanks)');
    const name = given ?? defaultBucketName(namePrefix, role, project);
    const problem = bucketNameProblem(name);
    if (problem) {
      const why = given === undefined ? ` (the default, from namePrefix "${namePrefix}" and gcp:project "${project}": set ${values.key(key)} to a name of your own)` : '';
      refuse(values.key(key), name, `a Cloud Storage bucket name with ${problem}${why}; see ${bucketNamingSource}`);
    }
    names[role] = name;
  }
  // The images function writes into compressed: if it were originals, every output would trigger
  // it again; the sources bucket must not receive uploads either.
  const roles = Object.keys(names) as BucketRole[];
  for (const [i, a] of roles.entries()) {
    for (const b of roles.slice(i + 1)) {
      if (names[a] === names[b]) refuse(values.key(bucketKeys[b]), names[b], `a bucket other than ${bucketKeys[a]} ("${names[a]}"): each bucket has one job`);
    }
  }
  return names;
}
