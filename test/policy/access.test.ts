/**
 * users-api-not-anonymous and supported-runtime, both ways. The users API variants are real
 * stack runs with other config (a JWT issuer, usersPublic), not edited records.
 */
import { expect } from 'chai';
import type { StackResource } from '../../policy/resources';
import { adding, check, committedStack, stackResources, withProps } from './stacks';

const rule = 'users-api-not-anonymous';
const jwt = { jwtIssuer: 'https://issuer.example.com', jwtAudience: 'users-api' };

describe('policy: users-api-not-anonymous', function () {
  this.timeout(120000);

  it('AWS: routes without an authorizer fire unless declared; with a JWT issuer in the config they pass', async () => {
    const open = await committedStack('aws');
    const found = check(rule, open);
    expect(found).to.have.length(4); // one per route: /users, /users/{id}, /users/{id}/{proxy+}, /openapi.json
    expect(found[0]).to.equal('aws:apigatewayv2/route:Route "users-api-route-0": lets anyone call the users API without a token: set jwtIssuer and jwtAudience in the stack config (tokens verified), or say that anyone may call it: pulumi config set usersPublic true');
    expect(check(rule, open, true)).to.deep.equal([]);
    const { resources } = await stackResources('aws', jwt);
    // The ANY routes carry the authorizer; the preflight routes (OPTIONS, no token to check) do not,
    // and the rule accepts them because the function verifies tokens (infra/aws/users-api.ts).
    const routes = resources.filter((r) => r.type === 'aws:apigatewayv2/route:Route').map((r) => `${String(r.props.routeKey)} ${String(r.props.authorizationType)}`);
    // and GET /openapi.json (the API's description) is public, as documentation is
    expect(routes.sort()).to.deep.equal(['ANY /users JWT', 'ANY /users/{id} JWT', 'ANY /users/{id}/{proxy+} JWT', 'GET /openapi.json NONE', 'OPTIONS /users NONE', 'OPTIONS /users/{id} NONE', 'OPTIONS /users/{id}/{proxy+} NONE']);
    expect(check(rule, resources)).to.deep.equal([]);
  });

  it('Azure: an app without an issuer fires unless declared; with one it passes', async () => {
    expect(check(rule, await committedStack('azure'))).to.have.length(1).and.to.match(/^azure-native:web:WebApp "functions-app": lets anyone call the users API without a token/);
    const { resources } = await stackResources('azure', jwt);
    expect(check(rule, resources)).to.deep.equal([]);
  });

  it('Google Cloud: private passes; usersPublic grants allUsers, which passes only when declared', async () => {
    expect(check(rule, await committedStack('gcp'))).to.deep.equal([]);
    const { resources } = await stackResources('gcp', { usersPublic: true });
    const everyone = resources.filter((r) => JSON.stringify(r.props).includes('"allUsers"'));
    expect(everyone.map((r) => r.type)).to.deep.equal(['gcp:cloudrunv2/serviceIamMember:ServiceIamMember']);
    expect(check(rule, resources)).to.have.length(1).and.to.match(/lets anyone call the users API without a token/);
    expect(check(rule, resources, true)).to.deep.equal([]);
  });

  it('Google Cloud: an allUsers grant added by hand fires', async () => {
    const added = adding(await committedStack('gcp'), 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember', 'users-everyone', { name: 'mcf-dev-gcp-users', member: 'allUsers', role: 'roles/run.invoker' });
    expect(check(rule, added)).to.deep.equal(['gcp:cloudrunv2/serviceIamMember:ServiceIamMember "users-everyone": lets anyone call the users API without a token: set jwtIssuer and jwtAudience in the stack config (tokens verified), or say that anyone may call it: pulumi config set usersPublic true']);
  });
});

describe('policy: supported-runtime', function () {
  this.timeout(120000);
  let aws: StackResource[], azure: StackResource[], gcp: StackResource[];
  before(async () => {
    aws = await committedStack('aws');
    azure = await committedStack('azure');
    gcp = await committedStack('gcp');
  });

  it('Node 22 passes on every cloud', () => {
    for (const stack of [aws, azure, gcp]) expect(check('supported-runtime', stack)).to.deep.equal([]);
  });

  it('Node 20 fires on every cloud, naming the runtime to set', () => {
    expect(check('supported-runtime', withProps(aws, 'aws:lambda/function:Function', 'users-function', (p) => ({ ...p, runtime: 'nodejs20.x' })))).to.deep.equal([
      'aws:lambda/function:Function "users-function": runs on nodejs20.x: set runtime to one of nodejs22.x',
    ]);
    const azure20 = withProps(azure, 'azure-native:web:WebApp', 'functions-app', (p) => ({ ...p, functionAppConfig: { ...(p.functionAppConfig as object), runtime: { name: 'node', version: '20' } } }));
    expect(check('supported-runtime', azure20)).to.deep.equal(['azure-native:web:WebApp "functions-app": runs on node|20: set functionAppConfig.runtime to { name: "node", version: "22" }']);
    const gcp20 = withProps(gcp, 'gcp:cloudfunctionsv2/function:Function', 'orders-function', (p) => ({ ...p, buildConfig: { ...(p.buildConfig as object), runtime: 'nodejs20' } }));
    expect(check('supported-runtime', gcp20)).to.deep.equal(['gcp:cloudfunctionsv2/function:Function "orders-function": runs on nodejs20: set buildConfig.runtime to one of nodejs22']);
  });
});
