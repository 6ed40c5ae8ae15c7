/**
 * The design's one structural rule: imports point inward. ESLint fails any file under handlers/
 * that imports a cloud SDK, an adapter, the Pulumi program, or reads process.env. These tests lint
 * deliberate violations with the project's real config, so the rule cannot silently stop working.
 */
import { expect } from 'chai';
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { repoRoot } from '../support/fixtures';

const eslint = new ESLint({ cwd: repoRoot });

async function messagesFor(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint: imports point inward', function () {
  this.timeout(60_000);

  const violations: [string, string][] = [
    ['an AWS SDK client', `import { S3Client } from '@aws-sdk/client-s3';\nexport const c = S3Client;\n`],
    ['an Azure SDK', `import { TableClient } from '@azure/data-tables';\nexport const c = TableClient;\n`],
    ['a Google Cloud SDK', `import { Firestore } from '@google-cloud/firestore';\nexport const c = Firestore;\n`],
    ['Pulumi', `import * as pulumi from '@pulumi/pulumi';\nexport const c = pulumi;\n`],
    ['an adapter', `import { x } from '../../adapters/aws/wiring';\nexport const c = x;\n`],
    ['the Pulumi program', `import { x } from '../../infra/config';\nexport const c = x;\n`],
    ['the environment', `export const region = process.env.AWS_REGION;\n`],
  ];

  for (const [what, code] of violations) {
    it(`fails a file under handlers/ that imports ${what}`, async () => {
      const messages = await messagesFor(code, 'handlers/users/violation.ts');
      expect(messages.join('\n')).to.match(/no-restricted-(imports|properties)/);
    });
  }

  it('allows the same import in an adapter', async () => {
    const messages = await messagesFor(
      `import { S3Client } from '@aws-sdk/client-s3';\nexport const c = S3Client;\n`,
      'adapters/aws/violation.ts',
    );
    expect(messages.filter((m) => /no-restricted/.test(m))).to.deep.equal([]);
  });

  it('allows a handler to import its own ports', async () => {
    const messages = await messagesFor(
      `import type { BlobStore } from '../ports/blob-store';\nexport type B = BlobStore;\n`,
      'handlers/images/ok.ts',
    );
    expect(messages).to.deep.equal([]);
  });
});
