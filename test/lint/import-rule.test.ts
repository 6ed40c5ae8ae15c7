/**
 * The design's one structural rule: imports point inward. ESLint fails any file under handlers/
 * that imports a cloud SDK, an adapter, the Pulumi program (statically, by `import()` or by
 * `require`), or reads the environment by any route. These tests lint deliberate violations with
 * the project's real config, so the rule cannot silently stop working.
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
    // the bypasses an audit found: each must fail too
    ['an AWS SDK client by dynamic import()', `export const load = () => import('@aws-sdk/client-s3');\n`],
    ['an Azure SDK by dynamic import()', `export const load = () => import('@azure/storage-blob');\n`],
    ['a Google Cloud SDK by dynamic import()', `export const load = () => import('@google-cloud/storage');\n`],
    ['an adapter by dynamic import()', `export const load = () => import('../../adapters/aws/wiring');\n`],
    ['a module named by a template literal (uncheckable)', `export const load = () => import(\`@aws-sdk/client-s3\`);\n`],
    ['a module named by a variable (uncheckable)', `const name = '@aws-sdk/client-s3';\nexport const load = () => import(name);\n`],
    ['a cloud SDK by require()', `// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const s3 = require('@aws-sdk/client-s3');\n`],
    ['an @smithy package (the AWS SDK v3 core)', `import { NodeHttpHandler } from '@smithy/node-http-handler';\nexport const c = NodeHttpHandler;\n`],
    ['@smithy by dynamic import()', `export const load = () => import('@smithy/smithy-client');\n`],
    ['env from node:process', `import { env } from 'node:process';\nexport const region = env.AWS_REGION;\n`],
    ['env from process', `import { env } from 'process';\nexport const region = env.AWS_REGION;\n`],
    ['node:process as a whole, then .env', `import proc from 'node:process';\nexport const region = proc.env.AWS_REGION;\n`],
    ['the environment through globalThis', `export const region = globalThis.process.env.AWS_REGION;\n`],
    ['the environment through globalThis, computed', `export const region = globalThis['process']['env'].AWS_REGION;\n`],
    ['the environment by a computed property', `export const region = process['env'].AWS_REGION;\n`],
    ['the environment by destructuring', `const { env } = process;\nexport const region = env.AWS_REGION;\n`],
    ['process destructured from globalThis', `const { process: p } = globalThis;\nexport const region = p.env.AWS_REGION;\n`],
    ['the environment through an alias of process', `const p = process;\nexport const region = p.env.AWS_REGION;\n`],
  ];

  for (const [what, code] of violations) {
    it(`fails a file under handlers/ that imports ${what}`, async () => {
      const messages = await messagesFor(code, 'handlers/users/violation.ts');
      expect(messages.join('\n')).to.match(/no-restricted-(imports|properties|syntax)/);
    });
  }

  it('still lets the core write to stdout through the global process (the default logger does)', async () => {
    const messages = await messagesFor(`export const write = (line: string) => process.stdout.write(line);\n`, 'handlers/ports/ok.ts');
    expect(messages).to.deep.equal([]);
  });

  it('still lets the core import its own modules dynamically, by a literal specifier', async () => {
    const messages = await messagesFor(`export const load = () => import('./operations');\n`, 'handlers/users/ok.ts');
    expect(messages).to.deep.equal([]);
  });

  it('lets an adapter import a cloud SDK dynamically and read its environment', async () => {
    const messages = await messagesFor(
      `export const load = () => import('@aws-sdk/client-s3');\nexport const region = globalThis.process.env.AWS_REGION ?? process.env.AWS_REGION;\n`,
      'adapters/aws/violation.ts',
    );
    expect(messages.filter((m) => /no-restricted/.test(m))).to.deep.equal([]);
  });

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

describe('lint: the Azure and Google SDKs load on first use', function () {
  this.timeout(60_000);

  const sdks: [string, string][] = [
    ['azure', '@azure/data-tables'],
    ['azure', '@azure/storage-blob'],
    ['azure', '@azure/storage-queue'],
    ['azure', '@azure/eventgrid'],
    ['azure', '@azure/identity'],
    ['gcp', '@google-cloud/firestore'],
    ['gcp', '@google-cloud/pubsub'],
    ['gcp', '@google-cloud/storage'],
  ];

  for (const [cloud, sdk] of sdks) {
    it(`fails a value import of ${sdk} in adapters/${cloud}/ outside sdk.ts, and allows its types`, async () => {
      const value = await messagesFor(`import { x } from '${sdk}';\nexport const c = x;\n`, `adapters/${cloud}/ports/violation.ts`);
      expect(value.join('\n')).to.match(new RegExp(`no-restricted-imports: .*load ${sdk} through adapters/${cloud}/sdk\\.ts`));
      const types = await messagesFor(`import type { x } from '${sdk}';\nexport type C = x;\n`, `adapters/${cloud}/ports/ok.ts`);
      expect(types.filter((m) => /no-restricted/.test(m))).to.deep.equal([]);
    });
  }

  it('lets adapters/<cloud>/sdk.ts require them', async () => {
    for (const cloud of ['azure', 'gcp']) {
      const messages = await messagesFor(`import { x } from '${cloud === 'azure' ? '@azure/identity' : '@google-cloud/pubsub'}';\nexport const c = x;\n`, `adapters/${cloud}/sdk.ts`);
      expect(messages.filter((m) => /no-restricted/.test(m)), cloud).to.deep.equal([]);
    }
  });
});
