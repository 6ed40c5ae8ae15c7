/**
 * The One Deploy package: the app directory zipped with JSZip (the project already relies on it
 * to read zips in tests), deflated, deterministic (every entry dated 1980-01-01 00:00 UTC, mode
 * rw-r--r--, files only, in the order given): the same files give the same bytes. A library rather
 * than a hand-written writer: the former one called `zlib.crc32`, which Node has only from 20.15 /
 * 22.2, while `engines` allows 20.9. One Deploy extracts a standard zip with the files at its root
 * (host.json beside package.json), forward-slash paths, no folder entries needed
 * (https://learn.microsoft.com/azure/azure-functions/functions-deployment-technologies#one-deploy).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

// Required, not imported: the One Deploy provider is serialized into the stack (Pulumi dynamic
// providers), and the serializer captures a module object as `require('jszip')`, while an
// import's interop wrapper would be copied by value, all of JSZip with it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const JSZip = require('jszip') as typeof import('jszip');

/** DOS time starts in 1980; JSZip writes a date's UTC fields. */
const fixedTime = Date.UTC(1980, 0, 1, 0, 0, 0);

export interface ZipEntry {
  /** A relative path with `/` separators. */
  name: string;
  data: Buffer;
}

export async function zipEntries(entries: ZipEntry[]): Promise<Buffer> {
  const zip = new JSZip();
  // A Date made here: the serialized provider cannot carry a Date object captured by value.
  const fixedDate = new Date(fixedTime);
  for (const entry of entries) {
    if (entry.name.startsWith('/') || entry.name.split('/').includes('..') || entry.name.includes('\\')) {
      throw new Error(`Refusing to zip "${entry.name}": package paths are relative, with / separators and no ..`);
    }
    zip.file(entry.name, entry.data, { date: fixedDate, unixPermissions: 0o100644, createFolders: false, binary: true });
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 }, platform: 'UNIX', streamFiles: false });
}

/** Zips the listed files of a directory, each under its relative path. */
export function zipFiles(directory: string, files: string[]): Promise<Buffer> {
  return zipEntries(files.map((name) => ({ name, data: readFileSync(path.join(directory, name)) })));
}
