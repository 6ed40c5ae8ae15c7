/** What a cloud's packager reports for each function it built: printed by index.ts. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface PackageReport {
  cloud: string;
  fn: string;
  dir: string;
  /** Every file in the package, unzipped. */
  bytes: number;
  files: number;
  /** The packages the bundle requires at run time (Node built-ins aside), where the packager knows them. */
  externals?: string[];
}

export function measureDirectory(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = measureDirectory(path);
      bytes += inner.bytes;
      files += inner.files;
    } else {
      bytes += statSync(path).size;
      files += 1;
    }
  }
  return { bytes, files };
}

export function formatReport(r: PackageReport): string {
  const size = r.bytes >= 1024 * 1024 ? `${(r.bytes / 1024 / 1024).toFixed(1)} MB` : `${(r.bytes / 1024).toFixed(1)} kB`;
  return `${r.cloud}/${r.fn}: ${size} in ${r.files} file(s) -> ${r.dir}`;
}
