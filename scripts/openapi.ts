/**
 * `npm run openapi [-- --check]`
 *
 * Writes openapi.json, the users API's OpenAPI 3.1 description, from the valibot schemas the code
 * validates with (handlers/users/openapi.ts). Committed, so that a pull request's diff shows every
 * change of the API; `--check` exits 1 when the committed copy is stale instead of writing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from '../handlers/users/openapi';

export const openApiPath = join(__dirname, '..', 'openapi.json');

/** The file's text: two-space JSON and a final newline, so that diffs are line by line. */
export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (require.main === module) {
  const text = openApiText();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(openApiPath, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== text) {
      console.error(`${openApiPath} is stale: run npm run openapi and commit it`);
      process.exit(1);
    }
    console.log(`${openApiPath} is current`);
  } else {
    writeFileSync(openApiPath, text);
    console.log(`wrote ${openApiPath}`);
  }
}
