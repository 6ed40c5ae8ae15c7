/**
 * The Azure package: ONE function app holding the three functions, so one directory,
 * `<packagesDir>/azure/app/` (host.json, package.json with `main`, the bundle, node_modules/sharp),
 * as `npm run package` writes it (scripts/package/azure.ts; it also writes a zip beside it, whose
 * bytes carry timestamps). The program zips the directory itself, deterministically (zip.ts), when
 * One Deploy needs it; the package's identity is a hash of its files, so an unchanged package is
 * no update even after a rebuild.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { projectRoot } from '../packages';

/** The files the Functions host needs at the package root. */
export const packageRootFiles = ['host.json', 'package.json'] as const;

export interface AppPackage {
  directory: string;
  /** SHA-256 over every file's relative path and bytes, base64. */
  contentHash: string;
}

export function readAppPackage(packagesDir: string): AppPackage {
  const directory = path.resolve(projectRoot, packagesDir, 'azure', 'app');
  for (const file of packageRootFiles) {
    if (!existsSync(path.join(directory, file))) {
      throw new pulumi.RunError(
        `The azure package is missing: ${path.join(directory, file)} does not exist. Build the packages first with: npm run package`,
      );
    }
  }
  return { directory, contentHash: hashPackage(directory) };
}

export function hashPackage(directory: string): string {
  const hash = createHash('sha256');
  for (const file of packageFiles(directory)) {
    hash.update(file).update('\0').update(readFileSync(path.join(directory, file))).update('\0');
  }
  return hash.digest('base64');
}

/** Every file of the package, `/`-separated relative paths in a stable order. */
export function packageFiles(directory: string, relative = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(directory, relative)).sort()) {
    const rel = relative ? `${relative}/${entry}` : entry;
    if (statSync(path.join(directory, rel)).isDirectory()) files.push(...packageFiles(directory, rel));
    else files.push(rel);
  }
  return files;
}
