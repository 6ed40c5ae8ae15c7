/**
 * The users API is not anonymous unless the stack says so. "Anonymous" means anyone on the
 * internet reaches the users function and the function verifies no token: it verifies bearer
 * tokens only when USERS_JWT_ISSUER is set (handlers/users/authorisation.ts).
 * AWS: an API Gateway route without an authorizer (authorizationType NONE) and no issuer on the
 * function. Azure: the HTTP trigger is `anonymous` (adapters/azure/users.ts), so an app without an
 * issuer. Google Cloud: `allUsers` may invoke the function and it has no issuer.
 * The stack says so with `usersPublic: true` in its config (the workflow passes it to the pack).
 */
import { asArray, ofType, violation, type Rule, type StackResource, type Violation } from '../resources';

const name = 'users-api-not-anonymous';
const issuerSetting = 'USERS_JWT_ISSUER';
const fix = `set jwtIssuer and jwtAudience in the stack config (tokens verified), or say that anyone may call it: pulumi config set usersPublic true`;

function envOf(resource: StackResource): Record<string, unknown> {
  const p = resource.props;
  if (resource.type === 'aws:lambda/function:Function') return ((p.environment as { variables?: Record<string, unknown> } | undefined)?.variables) ?? {};
  if (resource.type === 'gcp:cloudfunctionsv2/function:Function') return ((p.serviceConfig as { environmentVariables?: Record<string, unknown> } | undefined)?.environmentVariables) ?? {};
  const settings = (p.siteConfig as { appSettings?: { name: string; value: unknown }[] } | undefined)?.appSettings ?? [];
  return Object.fromEntries(settings.map((s) => [s.name, s.value]));
}

const verifiesTokens = (r: StackResource) => typeof envOf(r)[issuerSetting] === 'string' && envOf(r)[issuerSetting] !== '';

function anonymousEntries(resources: readonly StackResource[]): StackResource[] {
  const open: StackResource[] = [];
  const lambdas = ofType(resources, 'aws:lambda/function:Function');
  const awsUsers = lambdas.filter((f) => Object.keys(envOf(f)).some((k) => k.startsWith('USERS_')));
  for (const route of ofType(resources, 'aws:apigatewayv2/route:Route')) {
    const authorization = route.props.authorizationType ?? 'NONE';
    if (authorization === 'NONE' && !awsUsers.some(verifiesTokens)) open.push(route);
  }
  for (const app of ofType(resources, 'azure-native:web:WebApp')) {
    const settings = envOf(app);
    const servesUsers = Object.keys(settings).some((k) => k.startsWith('USERS_'));
    if (servesUsers && !verifiesTokens(app)) open.push(app);
  }
  const functions = ofType(resources, 'gcp:cloudfunctionsv2/function:Function');
  for (const grant of ofType(resources, 'gcp:cloudrunv2/serviceIamMember:ServiceIamMember', 'gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding', 'gcp:cloudfunctionsv2/functionIamMember:FunctionIamMember', 'gcp:cloudfunctionsv2/functionIamBinding:FunctionIamBinding')) {
    const members = [...asArray<string>(grant.props.member), ...asArray<string>(grant.props.members)];
    if (!members.includes('allUsers')) continue;
    const target = functions.find((f) => f.props.name === (grant.props.name ?? grant.props.cloudFunction));
    if (!target || !verifiesTokens(target)) open.push(grant);
  }
  return open;
}

export const usersApiAccess: Rule = {
  name,
  description: 'The users API verifies callers unless the stack config says usersPublic: true.',
  check(resources, context) {
    if (context.usersApiAnonymousAllowed) return [];
    return anonymousEntries(resources).map((r): Violation => violation(name, r, `lets anyone call the users API without a token: ${fix}`));
  },
};
