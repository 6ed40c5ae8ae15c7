/**
 * The compressed copy's name and metadata, and the re-delivery check that reads them back.
 * Delivery is at least once on every cloud, so the same upload may arrive twice: the copy carries
 * the etag of the original it was made from, and a copy made from this very version ends the work.
 */
import type { ObjectHead } from '../ports/blob-store';

export const CONTENT_TYPE = 'image/jpeg';

/** Metadata keys on the compressed copy (lower-case with `-`, the BlobStore port's convention). */
export const META = {
  originalSize: 'original-size',
  compressedSize: 'compressed-size',
  sourceEtag: 'source-etag',
  width: 'width',
  height: 'height',
} as const;

export function outputKeyFor(key: string, outputPrefix: string): string {
  return `${outputPrefix}${key}`;
}

export interface CopyFacts {
  originalSize: number;
  compressedSize: number;
  sourceEtag?: string;
  width: number;
  height: number;
}

export function copyMetadata(facts: CopyFacts): Record<string, string> {
  const metadata: Record<string, string> = {
    [META.originalSize]: String(facts.originalSize),
    [META.compressedSize]: String(facts.compressedSize),
    [META.width]: String(facts.width),
    [META.height]: String(facts.height),
  };
  // An original without any etag cannot be matched on re-delivery; write no empty value.
  if (facts.sourceEtag) metadata[META.sourceEtag] = facts.sourceEtag;
  return metadata;
}

/** True when `copy` was made from the original whose etag is `etag`. */
export function isCopyOf(copy: ObjectHead | undefined, etag: string | undefined): boolean {
  return Boolean(copy && etag && copy.metadata[META.sourceEtag] === etag);
}
