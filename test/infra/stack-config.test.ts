/**
 * How the offline runner reads a stack's config: Pulumi.yaml defaults, the stack file over them,
 * namespaces, structured values as JSON, `secure:` values as secret placeholders.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadStackConfig, securePlaceholder, stackFiles } from '../../infra/offline/run-stack';
import { removeDir } from './harness';

describe('infra: stack config files offline', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mcf-stack-'));
    writeFileSync(path.join(root, 'Pulumi.yaml'), [
      'name: demo',
      'runtime: nodejs',
      'config:',
      '  cloud:',
      '    type: string',
      '  tracing:',
      '    type: boolean',
      '    default: false',
      '  retries:',
      '    type: integer',
      '    default: 3',
      '',
    ].join('\n'));
    writeFileSync(path.join(root, 'Pulumi.one.yaml'), [
      'config:',
      '  demo:cloud: aws',
      '  aws:region: eu-north-1',
      '  demo:retries: 5',
      '  demo:functions:',
      '    users:',
      '      warmInstances: 2',
      '  demo:apiKey:',
      '    secure: AAABAKn0xyz',
      '',
    ].join('\n'));
  });
  after(() => removeDir(root));

  it('merges project defaults under the stack values, keys namespaced, values as the CLI passes them', () => {
    const { project, config, secretKeys } = loadStackConfig('one', root);
    expect(project).to.equal('demo');
    expect(config).to.deep.equal({
      'demo:cloud': 'aws',
      'demo:tracing': 'false',
      'demo:retries': '5',
      'aws:region': 'eu-north-1',
      'demo:functions': JSON.stringify({ users: { warmInstances: 2 } }),
      'demo:apiKey': securePlaceholder,
    });
    expect(secretKeys).to.deep.equal(['demo:apiKey']);
  });

  it('names the stacks there are when a stack file is missing', () => {
    expect(stackFiles(root)).to.deep.equal(['one']);
    expect(() => loadStackConfig('two', root)).to.throw(/Pulumi\.two\.yaml: stacks here are one/);
  });
});
