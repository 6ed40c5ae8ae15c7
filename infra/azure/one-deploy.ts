/**
 * The code of the function app, as a Pulumi dynamic resource keyed on the package's content hash:
 * Flex Consumption takes code through One Deploy only (see one-deploy-client.ts), which no
 * azure-native resource calls, and `storage.Blob` would need the account keys this stack turns off.
 * - diff: a new content hash, another function list or other endpoints redeploy; another app
 *   replaces the resource; nothing else changes (the same package built in another checkout, at
 *   another path, is no change). `detailedDiff` says which, per property.
 * - create / update: zip the package directory, One Deploy it with an Entra token of the identity
 *   azure-native signs in with (deployer-credential.ts: the same ARM_* variables and azure-native:*
 *   config, which the engine hands to `configure`), wait until the functions are listed.
 * - delete: nothing; the code goes with the app.
 * Pulumi serializes the provider into the stack: it uses built-ins, `fetch`, @azure/identity and
 * jszip only (modules are captured as `require` by name; see zip.ts).
 */
import * as pulumi from '@pulumi/pulumi';
import { packageFiles } from './app-package';
import { configGetter, credentialFor, resolveSignIn, type SignIn } from './deployer-credential';
import { deployZip, type TokenSource } from './one-deploy-client';
import { zipFiles } from './zip';

export interface CodeDeploymentInputs {
  appId: string;
  scmUrl: string;
  armUrl: string;
  packageDirectory: string;
  contentHash: string;
  functions: string[];
  timeoutSeconds: number;
  pollSeconds: number;
  /** How long refused uploads are retried (role propagation); default 600 s. */
  publishRetrySeconds?: number;
  /** The sign-in method the program resolved in preview; the provider must resolve the same one. */
  signInMethod?: SignIn['method'];
}

export interface CodeDeploymentOutputs extends CodeDeploymentInputs {
  /** What ARM listed once the deployment was done. */
  listedFunctions: string[];
  /** What the upload waited for (refused attempts, with their answers); empty when accepted at once. */
  publishWaits?: string[];
}

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** One property's change, as the engine's DiffResponse.detailedDiff spells it (provider protocol, PropertyDiff). */
export interface PropertyDiff {
  kind: 'add' | 'addReplace' | 'delete' | 'deleteReplace' | 'update' | 'updateReplace';
  /** false: the old side is the resource's state (the outputs), not its old inputs. */
  inputDiff: boolean;
}

/**
 * The diff with, per property that changed, whether it updates the deployment in place or
 * replaces it. Only the properties that matter are listed: packageDirectory, timeoutSeconds and
 * pollSeconds differ between checkouts and runs without changing what is deployed.
 * Note: the Node.js dynamic provider host of @pulumi/pulumi 3.x (cmd/dynamic-provider) passes on
 * `changes`, `replaces` and `deleteBeforeReplace` only, so the CLI still shows its own diff of
 * the inputs; `detailedDiff` records what the provider decided, per property (tested in
 * test/infra/azure/one-deploy.test.ts), and would reach the engine only if the host forwarded it.
 */
export interface CodeDeploymentDiff extends pulumi.dynamic.DiffResult {
  detailedDiff: Record<string, PropertyDiff>;
}

function diffKind(old: unknown, next: unknown, replace: boolean): PropertyDiff['kind'] {
  const kind = old === undefined ? 'add' : next === undefined ? 'delete' : 'update';
  return replace ? `${kind}Replace` : kind;
}

/** A state written before `functions` existed has none: compare it as an empty list. */
function sortedList(list: readonly string[] | undefined): string {
  return [...(list ?? [])].sort().join();
}

/** The resource id: the app and the package, so a new package is visibly a new deployment. */
export function deploymentId(inputs: Pick<CodeDeploymentInputs, 'appId' | 'contentHash'>): string {
  return `${inputs.appId}/deployments/${Buffer.from(inputs.contentHash, 'base64').toString('hex')}`;
}

export class OneDeployProvider implements pulumi.dynamic.ResourceProvider {
  /** The stack's config, as the engine passes it to dynamic providers (pulumi/pulumi#17697). */
  private config?: (key: string) => string | undefined;

  /** Tests pass a token source; deployments sign in as azure-native does. */
  constructor(private readonly tokens?: TokenSource) {}

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = (key) => req.config.get(key);
  }

  async diff(_id: string, olds: CodeDeploymentOutputs, news: CodeDeploymentInputs): Promise<CodeDeploymentDiff> {
    const detailedDiff: Record<string, PropertyDiff> = {};
    const note = (key: keyof CodeDeploymentInputs, changed: boolean, replace: boolean) => {
      if (changed) detailedDiff[key] = { kind: diffKind(olds[key], news[key], replace), inputDiff: false };
    };
    note('appId', olds.appId !== news.appId, true);
    for (const key of ['contentHash', 'scmUrl', 'armUrl'] as const) note(key, olds[key] !== news[key], false);
    // The same functions in another order are the same deployment.
    note('functions', sortedList(olds.functions) !== sortedList(news.functions), false);
    const replaces = Object.keys(detailedDiff).filter((k) => detailedDiff[k].kind.endsWith('Replace'));
    return { changes: Object.keys(detailedDiff).length > 0, replaces, deleteBeforeReplace: false, detailedDiff };
  }

  async create(inputs: CodeDeploymentInputs): Promise<pulumi.dynamic.CreateResult> {
    return { id: deploymentId(inputs), outs: await this.deploy(inputs) };
  }

  async update(_id: string, _olds: CodeDeploymentOutputs, news: CodeDeploymentInputs): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: await this.deploy(news) };
  }

  async delete(): Promise<void> {
    // The package lives in the app's deployment container; deleting the app removes it.
  }

  private async deploy(inputs: CodeDeploymentInputs): Promise<CodeDeploymentOutputs> {
    const zip = await zipFiles(inputs.packageDirectory, packageFiles(inputs.packageDirectory));
    const { listed, waits } = await deployZip(inputs, zip, this.tokens ?? entraTokens(this.config ?? (() => undefined), inputs.signInMethod));
    return { ...inputs, listedFunctions: listed, publishWaits: waits };
  }
}

/** Tokens of the identity azure-native uses; refuses a sign-in other than the one preview resolved. */
export function entraTokens(config: (key: string) => string | undefined, expected?: SignIn['method']): TokenSource {
  const signIn = resolveSignIn(configGetter(config));
  if (expected && signIn.method !== expected) {
    throw new Error(`The code upload resolved the sign-in ${signIn.method}, but the program resolved ${expected}: this Pulumi CLI does not pass the stack's config to dynamic providers (added with pulumi/pulumi#17697). Upgrade the CLI, or give the credentials as ARM_* environment variables`);
  }
  const credential = credentialFor(signIn);
  return async (scope) => {
    const token = await credential.getToken(scope);
    if (!token) throw new Error(`No Entra token for ${scope} with the sign-in ${signIn.method}`);
    return token.token;
  };
}

export class CodeDeployment extends pulumi.dynamic.Resource {
  declare readonly contentHash: pulumi.Output<string>;
  declare readonly listedFunctions: pulumi.Output<string[]>;
  declare readonly publishWaits: pulumi.Output<string[]>;

  constructor(name: string, args: Inputs<CodeDeploymentInputs>, opts?: pulumi.CustomResourceOptions, provider = new OneDeployProvider()) {
    super(provider, name, { ...args, listedFunctions: undefined, publishWaits: undefined }, opts, 'azure', 'CodeDeployment');
  }
}

