/**
 * The policy pack as the Pulumi CLI runs it: policy/index.ts started in its own Node process
 * (it prints the port of its gRPC server), then asked over Pulumi's analyzer protocol what it
 * holds and to analyze the resources the mocks record for a stack, with and without the policy
 * config the workflow writes. Stopped by its pid.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from '../../infra/packages';
import { rules } from '../../policy/rules';
import { committedStack } from './stacks';
import type { StackResource } from '../../policy/resources';

/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
const analyzerRpc = require('@pulumi/pulumi/proto/analyzer_grpc_pb');
const analyzer = require('@pulumi/pulumi/proto/analyzer_pb');
const { Struct } = require('google-protobuf/google/protobuf/struct_pb');
const { Empty } = require('google-protobuf/google/protobuf/empty_pb');
/* eslint-enable @typescript-eslint/no-require-imports */

interface Diagnostic { getPolicyname(): string; getMessage(): string; getUrn(): string }
type Client = Record<string, (request: unknown, callback: (err: Error | null, response: unknown) => void) => void> & { close(): void };

function call<T>(client: Client, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](request, (err, response) => (err ? reject(err) : resolve(response as T))));
}

function analyzeRequest(resources: readonly StackResource[]): unknown {
  const request = new analyzer.AnalyzeStackRequest();
  for (const r of resources) {
    const resource = new analyzer.AnalyzerResource();
    resource.setType(r.type);
    resource.setName(r.name);
    resource.setUrn(r.urn);
    // The CLI always sends resource options; the pack refuses a request without them.
    resource.setOptions(new analyzer.AnalyzerResourceOptions());
    // Asset and archive inputs carry promises: plain JSON is what the rules read.
    resource.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props)) as Record<string, unknown>));
    for (const [key, urns] of Object.entries(r.propertyDependencies)) {
      const deps = new analyzer.AnalyzerPropertyDependencies();
      deps.setUrnsList(urns);
      resource.getPropertydependenciesMap().set(key, deps);
    }
    request.addResources(resource);
  }
  return request;
}

async function configure(client: Client, usersPublic: boolean): Promise<void> {
  const request = new analyzer.ConfigureAnalyzerRequest();
  const config = new analyzer.PolicyConfig();
  config.setEnforcementlevel(analyzer.EnforcementLevel.MANDATORY);
  config.setProperties(Struct.fromJavaScript({ usersPublic }));
  request.getPolicyconfigMap().set('users-api-not-anonymous', config);
  await call(client, 'configure', request);
}

describe('policy: the pack over the analyzer protocol', function () {
  this.timeout(120000);
  let pack: ChildProcess | undefined;
  let client: Client;

  before(async () => {
    pack = spawn(process.execPath, ['--require', 'tsx/cjs', 'index.ts'], { cwd: path.join(projectRoot, 'policy'), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      pack!.stdout!.on('data', (d) => {
        output += String(d);
        const match = /^(\d+)\s*$/m.exec(output);
        if (match) resolve(Number(match[1]));
      });
      pack!.stderr!.on('data', (d) => (output += String(d)));
      pack!.once('exit', (code) => reject(new Error(`the policy pack exited (${code}) before printing its port:\n${output}`)));
    });
    const Analyzer = grpc.makeGenericClientConstructor(analyzerRpc.AnalyzerService, 'Analyzer');
    client = new Analyzer(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as unknown as Client;
  });

  after(() => {
    client?.close();
    if (pack?.pid !== undefined && pack.exitCode === null) process.kill(-pack.pid, 'SIGTERM');
  });

  it('declares every rule, mandatory, with the users API config schema', async () => {
    const info = await call<{ getName(): string; getPoliciesList(): { getName(): string; getEnforcementlevel(): number; getConfigschema(): unknown }[] }>(client, 'getAnalyzerInfo', new Empty());
    expect(info.getName()).to.equal('multicloud-functions');
    const policies = info.getPoliciesList();
    expect(policies.map((p) => p.getName())).to.deep.equal(rules.map((r) => r.name));
    expect(new Set(policies.map((p) => p.getEnforcementlevel()))).to.deep.equal(new Set([analyzer.EnforcementLevel.MANDATORY]));
    expect(policies.filter((p) => p.getConfigschema()).map((p) => p.getName())).to.deep.equal(['users-api-not-anonymous']);
  });

  it('reports nothing for dev-gcp, and the open users API of dev until usersPublic is configured', async () => {
    const gcp = await call<{ getDiagnosticsList(): Diagnostic[] }>(client, 'analyzeStack', analyzeRequest(await committedStack('gcp')));
    expect(gcp.getDiagnosticsList().map((d) => d.getMessage())).to.deep.equal([]);

    const aws = analyzeRequest(await committedStack('aws'));
    const closed = (await call<{ getDiagnosticsList(): Diagnostic[] }>(client, 'analyzeStack', aws)).getDiagnosticsList();
    // one per route: /users, /users/{id}, /users/{id}/{proxy+}, GET /openapi.json
    expect(closed.map((d) => d.getPolicyname())).to.deep.equal(['users-api-not-anonymous', 'users-api-not-anonymous', 'users-api-not-anonymous', 'users-api-not-anonymous']);
    expect(closed[0].getMessage()).to.include('pulumi config set usersPublic true');
    expect(closed[0].getUrn()).to.match(/apigatewayv2\/route:Route::users-api-route-/);

    await configure(client, true);
    const open = (await call<{ getDiagnosticsList(): Diagnostic[] }>(client, 'analyzeStack', aws)).getDiagnosticsList();
    expect(open.map((d) => d.getMessage())).to.deep.equal([]);
  });
});
