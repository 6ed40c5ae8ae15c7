/**
 * The code of the function app, as a Pulumi dynamic resource keyed on the package's content hash:
 * Flex Consumption takes code through One Deploy only (see one-deploy-client.ts), which no
 * azure-native resource calls, and `storage.Blob` would need the account keys this stack turns off.
 * - diff: a new content hash, another function list or other endpoints redeploy; another app
 *   replaces the resource; nothing else changes (the same package built in another checkout, at
 *   another path, is no change).
 * - create / update: zip the package directory, One Deploy it with an Entra token (the identity
 *   running `pulumi up`, through DefaultAzureCredential: `az login`, a service principal or a
 *   workload identity), wait until the functions are listed.
 * - delete: nothing; the code goes with the app.
 * Pulumi serializes the provider into the stack: it uses built-ins, `fetch` and @azure/identity only.
 */
import * as pulumi from '@pulumi/pulumi';
import { DefaultAzureCredential } from '@azure/identity';
import { packageFiles } from './app-package';
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
}

export interface CodeDeploymentOutputs extends CodeDeploymentInputs {
  /** What ARM listed once the deployment was done. */
  listedFunctions: string[];
}

type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** The resource id: the app and the package, so a new package is visibly a new deployment. */
export function deploymentId(inputs: Pick<CodeDeploymentInputs, 'appId' | 'contentHash'>): string {
  return `${inputs.appId}/deployments/${Buffer.from(inputs.contentHash, 'base64').toString('hex')}`;
}

export class OneDeployProvider implements pulumi.dynamic.ResourceProvider {
  /** Tests pass a token source; deployments use DefaultAzureCredential. */
  constructor(private readonly tokens?: TokenSource) {}

  async diff(_id: string, olds: CodeDeploymentOutputs, news: CodeDeploymentInputs): Promise<pulumi.dynamic.DiffResult> {
    const replaces = olds.appId !== news.appId ? ['appId'] : [];
    const redeploy = (['contentHash', 'scmUrl', 'armUrl'] as const).filter((k) => olds[k] !== news[k]);
    if ([...olds.functions].sort().join() !== [...news.functions].sort().join()) redeploy.push('functions' as never);
    return { changes: replaces.length > 0 || redeploy.length > 0, replaces, deleteBeforeReplace: false };
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
    const zip = zipFiles(inputs.packageDirectory, packageFiles(inputs.packageDirectory));
    const listedFunctions = await deployZip(inputs, zip, this.tokens ?? entraTokens());
    return { ...inputs, listedFunctions };
  }
}

function entraTokens(): TokenSource {
  const credential = new DefaultAzureCredential();
  return async (scope) => {
    const token = await credential.getToken(scope);
    if (!token) throw new Error(`No Entra token for ${scope}: sign in with az login or set AZURE_CLIENT_ID / AZURE_TENANT_ID`);
    return token.token;
  };
}

export class CodeDeployment extends pulumi.dynamic.Resource {
  declare readonly contentHash: pulumi.Output<string>;
  declare readonly listedFunctions: pulumi.Output<string[]>;

  constructor(name: string, args: Inputs<CodeDeploymentInputs>, opts?: pulumi.CustomResourceOptions, provider = new OneDeployProvider()) {
    super(provider, name, { ...args, listedFunctions: undefined }, opts, 'azure', 'CodeDeployment');
  }
}

