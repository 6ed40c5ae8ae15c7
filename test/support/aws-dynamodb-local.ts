/**
 * DynamoDB Local (AWS's own emulator, with transactions) comes as a jar inside the npm package
 * amplify-dynamodb-simulator. Installing that package drags in the whole Amplify CLI core, so the
 * jar is fetched on first use with `npm pack` (the npm registry only) and extracted into
 * node_modules/.cache, where a fresh `npm ci` starts without it and the next run finds it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './fixtures';

export const dynamoDbLocalPackage = 'amplify-dynamodb-simulator@2.9.30';
const cacheDir = join(repoRoot, 'node_modules', '.cache', 'dynamodb-local-1.25.1');

export function javaAvailable(): boolean {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/, fetched if missing. */
export function dynamoDbLocalDir(): string {
  if (existsSync(join(cacheDir, 'DynamoDBLocal.jar'))) return cacheDir;
  const staging = mkdtempSync(join(tmpdir(), 'dynamodb-local-'));
  try {
    const tgz = execFileSync('npm', ['pack', dynamoDbLocalPackage, '--silent', '--pack-destination', staging], {
      cwd: staging,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .pop()!;
    const extracted = join(staging, 'emulator');
    mkdirSync(extracted);
    execFileSync('tar', ['-xzf', join(staging, tgz), '-C', extracted, '--strip-components=2', 'package/emulator']);
    mkdirSync(join(repoRoot, 'node_modules', '.cache'), { recursive: true });
    // Rename, not copy: a run that dies half-way leaves no half jar behind.
    renameSync(extracted, cacheDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return cacheDir;
}
