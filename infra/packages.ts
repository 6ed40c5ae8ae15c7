/**
 * The function packages `npm run package` builds (`dist/<cloud>/<function>/`). The program never
 * builds code: it takes what is there, and stops with a message naming the command when a
 * package is missing. Each package carries a hash of its content, so a changed package
 * redeploys and an unchanged one does not.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { FunctionName } from '../handlers/specs';

/** The repository root: `packagesDir` is resolved against it whatever the working directory. */
export const projectRoot = path.resolve(__dirname, '..');

export interface FunctionPackage {
  name: FunctionName;
  directory: string;
  /** SHA-256 over every file's relative path and bytes, in a stable order, base64 (as Lambda prints CodeSha256). */
  contentHash: string;
}

/** The package of one function for one cloud; `entry` is the file the packager must have written. */
export function readPackage(packagesDir: string, cloud: string, name: FunctionName, entry: string): FunctionPackage {
  const directory = path.resolve(projectRoot, packagesDir, cloud, name);
  if (!existsSync(path.join(directory, entry))) {
    throw new pulumi.RunError(
      `The ${cloud} package of the ${name} function is missing: ${path.join(directory, entry)} does not exist. ` +
        `Build the packages first with: npm run package`,
    );
  }
  return { name, directory, contentHash: hashDirectory(directory) };
}

export function hashDirectory(directory: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(directory)) {
    // Path and content both count: a renamed file is a different package.
    hash.update(file.split(path.sep).join('/')).update('\0').update(readFileSync(path.join(directory, file))).update('\0');
  }
  return hash.digest('base64');
}

function listFiles(directory: string, relative = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(directory, relative)).sort()) {
    const rel = path.join(relative, entry);
    if (statSync(path.join(directory, rel)).isDirectory()) files.push(...listFiles(directory, rel));
    else files.push(rel);
  }
  return files;
}
