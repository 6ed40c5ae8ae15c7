/**
 * Real, small image files whose headers claim huge dimensions: the cheapest way to check that the
 * pixel limit is applied to the header, before any pixel is decoded (a real 100 MP image would
 * cost seconds and hundreds of MB to build).
 */
import { crc32 } from 'node:zlib';

/** A PNG with its IHDR width and height rewritten (and the chunk's CRC fixed so decoders accept it). */
export function pngClaiming(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  // Signature (8 bytes), then the IHDR chunk: length (4), type (4), width (4), height (4), ...
  if (out.toString('latin1', 12, 16) !== 'IHDR') throw new Error('not a PNG starting with IHDR');
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29); // the CRC covers type and 13 data bytes
  return out;
}

/** A JPEG with its frame header (SOF0-SOF2) height and width rewritten (16 bits each). */
export function jpegClaiming(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  let at = 2; // after SOI
  while (at + 4 < out.length && out[at] === 0xff) {
    const marker = out[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      // FFCn, length (2), precision (1), height (2), width (2)
      out.writeUInt16BE(height, at + 5);
      out.writeUInt16BE(width, at + 7);
      return out;
    }
    at += 2 + out.readUInt16BE(at + 2);
  }
  throw new Error('no SOF0-SOF2 frame header found');
}
