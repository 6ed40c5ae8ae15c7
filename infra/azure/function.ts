/**
 * The function app: ONE Linux app on a Flex Consumption (FC1) plan hosting the three functions
 * (Flex Consumption apps each have their own plan). Node 22, the app's user-assigned identity for
 * everything (host storage, deployment storage, data), instance memory, maximum instances and
 * always-ready instances from the stack. Memory and functionTimeout are per app, not per function:
 * `infra/azure/options.ts` takes the largest of the three specs.
 * The code is not part of the app resource: Flex Consumption deploys through One Deploy, which
 * `one-deploy.ts` calls once the app and its grants exist.
 */
import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';
import * as web from '@pulumi/azure-native/web';
import { flexSiteTransformation } from './flex-site';
import type { AppIdentity } from './identity';
import type { StorageAccount } from './storage-account';

export const runtime = { name: 'node', version: '22' } as const;
export const planSku = { name: 'FC1', tier: 'FlexConsumption' } as const;
/** The container One Deploy writes the package to (functionAppConfig.deployment.storage). */
export const deploymentContainerName = 'app-package';

export interface FunctionAppArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  appName: pulumi.Input<string>;
  planName: string;
  account: StorageAccount;
  identity: AppIdentity;
  instanceMemoryMb: number;
  maximumInstanceCount: number;
  alwaysReady: { name: string; instanceCount: number }[];
  /** App settings, named by `adapters/azure/environment.ts`, `settingName` and the host's own names. */
  appSettings: Record<string, pulumi.Input<string>>;
  /** What must exist before the host first starts: its grants on host storage. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class FunctionApp extends pulumi.ComponentResource {
  readonly plan: web.AppServicePlan;
  readonly app: web.WebApp;
  readonly deploymentContainer: storage.BlobContainer;
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  readonly defaultHostName: pulumi.Output<string>;

  constructor(name: string, args: FunctionAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:azure:FunctionApp', name, {}, opts);
    const parent = { parent: this };
    this.deploymentContainer = new storage.BlobContainer(`${name}-package`, {
      containerName: deploymentContainerName,
      accountName: args.account.name,
      resourceGroupName: args.account.resourceGroupName,
      publicAccess: 'None',
    }, parent);

    this.plan = new web.AppServicePlan(`${name}-plan`, {
      name: args.planName,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      kind: 'functionapp',
      sku: { ...planSku },
      // Linux: Flex Consumption runs on Linux only.
      reserved: true,
    }, parent);

    const identity = args.identity;
    this.app = new web.WebApp(`${name}-app`, {
      name: args.appName,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      kind: 'functionapp,linux',
      serverFarmId: this.plan.id,
      httpsOnly: true,
      identity: { type: 'UserAssigned', userAssignedIdentities: [identity.id] },
      // appSettings and minTlsVersion only: flex-site.ts strips what the SDK adds and Flex refuses.
      siteConfig: {
        minTlsVersion: '1.2',
        appSettings: Object.entries(args.appSettings).map(([settingName, value]) => ({ name: settingName, value })),
      },
      functionAppConfig: {
        deployment: {
          storage: {
            type: 'blobContainer',
            value: pulumi.interpolate`${args.account.blobEndpoint}${this.deploymentContainer.name}`,
            authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id },
          },
        },
        runtime: { ...runtime },
        scaleAndConcurrency: {
          instanceMemoryMB: args.instanceMemoryMb,
          maximumInstanceCount: args.maximumInstanceCount,
          alwaysReady: args.alwaysReady.length > 0 ? args.alwaysReady : undefined,
        },
      },
    }, { parent: this, dependsOn: args.dependsOn, transformations: [flexSiteTransformation] });

    this.id = this.app.id;
    this.name = this.app.name;
    this.defaultHostName = this.app.defaultHostName;
    this.registerOutputs({ name: this.name, defaultHostName: this.defaultHostName });
  }
}
