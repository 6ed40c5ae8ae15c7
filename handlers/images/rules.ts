/**
 * Which uploads the images function works on, and which configurations it refuses to run with.
 * Pure functions: no I/O, so an adapter can reuse them (e.g. to validate its own config at start).
 */
import { PermanentError } from '../errors';
import type { ImagesSettings } from '../specs';

export interface ImagesConfigShape extends ImagesSettings {
  compressedBucket: string;
}

/**
 * Throws a PermanentError when the configuration cannot work. Writing into the bucket that
 * triggers the function re-triggers it for every output: the design refuses that outright rather
 * than relying on the prefix guard alone (one misconfigured filter and it loops, billing each turn).
 */
export function assertUsableConfig(config: ImagesConfigShape, sourceBucket: string): void {
  if (!config.compressedBucket) {
    throw new PermanentError('configuration error: compressedBucket is empty');
  }
  if (config.compressedBucket === sourceBucket) {
    throw new PermanentError(
      `configuration error: compressedBucket "${config.compressedBucket}" is the bucket that triggers the function; ` +
        'writing there would re-trigger it for every output',
    );
  }
  if (!Number.isInteger(config.maxDimension) || config.maxDimension < 1) {
    throw new PermanentError(`configuration error: maxDimension must be a positive integer, got ${config.maxDimension}`);
  }
  // libjpeg's quality scale is 1..100 (sharp rejects anything else with a generic error).
  if (!Number.isInteger(config.jpegQuality) || config.jpegQuality < 1 || config.jpegQuality > 100) {
    throw new PermanentError(`configuration error: jpegQuality must be an integer 1-100, got ${config.jpegQuality}`);
  }
}

/** Why a key is not processed, or undefined when it is. Suffixes compare case-insensitively. */
export function skipReason(key: string, settings: Pick<ImagesSettings, 'outputPrefix' | 'suffixes'>): string | undefined {
  // An empty prefix means outputs sit at the top of the (different) compressed bucket: no guard needed,
  // and every key "starts with" the empty string, so it must not count as under it.
  if (settings.outputPrefix !== '' && key.startsWith(settings.outputPrefix)) {
    return `key is under the output prefix "${settings.outputPrefix}" (loop guard)`;
  }
  const lower = key.toLowerCase();
  if (!settings.suffixes.some((suffix) => lower.endsWith(suffix.toLowerCase()))) {
    return `key does not end in ${settings.suffixes.join(', ')}`;
  }
  return undefined;
}
