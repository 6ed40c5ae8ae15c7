/**
 * The shared fixtures (real event payloads and images) live beside the repository, in
 * `../shared/fixtures`, as they do in CI; tests read them from there.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const fixturesRoot = resolve(repoRoot, '..', 'shared', 'fixtures');

export function fixturePath(...parts: string[]): string {
  return join(fixturesRoot, ...parts);
}

/** A real event payload, e.g. `eventFixture('aws', 's3-put-real-capture.json')`. */
export function eventFixture<T = unknown>(cloud: 'aws' | 'azure' | 'gcp', file: string): T {
  return JSON.parse(readFileSync(fixturePath('events', cloud, file), 'utf8')) as T;
}

export function eventFixtureNames(cloud: 'aws' | 'azure' | 'gcp'): string[] {
  return readdirSync(fixturePath('events', cloud)).filter((f) => f.endsWith('.json')).sort();
}

export function imageFixture(file: string): Buffer {
  return readFileSync(fixturePath('images', file));
}

/** Every image fixture (the licence README excluded). */
export function imageFixtureNames(): string[] {
  return readdirSync(fixturePath('images')).filter((f) => !f.endsWith('.txt')).sort();
}
