/**
 * A minimal, deterministic zip writer (deflate, no extra fields, every date 1980-01-01) for the
 * One Deploy upload: the same files give the same bytes. Self-contained on purpose: the One Deploy
 * provider is serialized into the stack (Pulumi dynamic providers), so it may use Node built-ins
 * only. Format: PKWARE APPNOTE.TXT, sections 4.3.7 (local header), 4.3.12 (central directory),
 * 4.3.16 (end of central directory); no ZIP64, so at most 65,535 files and 4 GiB.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

const dosDate = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const dosTime = 0;

export interface ZipEntry {
  name: string;
  data: Buffer;
}

export function zipEntries(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data);
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // bit 11: names are UTF-8
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Zips the listed files of a directory, each under its relative path. */
export function zipFiles(directory: string, files: string[]): Buffer {
  return zipEntries(files.map((name) => ({ name, data: readFileSync(path.join(directory, name)) })));
}
