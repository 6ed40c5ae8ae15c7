/**
 * The app's user-assigned managed identity and its data-plane role assignments: no account keys
 * anywhere (the storage account turns shared keys off), every grant a built-in role on the
 * narrowest scope the service offers.
 * A user-assigned identity (rather than the app's system identity) exists before the app, so the
 * app's own settings and its deployment storage can name it at creation.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as managedidentity from '@pulumi/azure-native/managedidentity';

/**
 * Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
 * Blob Data Owner rather than Contributor for the app: the Functions host keeps its leases and
 * keys in blobs and Microsoft lists Owner for identity-based host storage.
 */
export const builtInRoles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  /** Get User Delegation Key, for the users function's signed URLs (signed-uploads.ts). */
  storageBlobDelegator: 'db58b8e5-c6ad-4a2a-8342-4190687cbf4a',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
} as const;
export type BuiltInRole = keyof typeof builtInRoles;

/** The full role definition id ARM expects, in the stack's subscription. */
export function roleDefinitionId(subscriptionId: pulumi.Input<string>, role: BuiltInRole): pulumi.Output<string> {
  return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${builtInRoles[role]}`;
}

/** A container's ARM id, the scope of a role on that container only. */
export function containerScope(accountId: pulumi.Input<string>, container: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`${accountId}/blobServices/default/containers/${container}`;
}

export interface Grant {
  role: BuiltInRole;
  scope: pulumi.Input<string>;
  /** Names the assignment: `<identity>-<what>`. */
  what: string;
}

/** Assigns each role to a principal (a managed identity: `ServicePrincipal`, which skips the directory lookup race). */
export function assignRoles(
  parent: pulumi.Resource,
  baseName: string,
  principalId: pulumi.Input<string>,
  subscriptionId: pulumi.Input<string>,
  grants: Grant[],
): authorization.RoleAssignment[] {
  return grants.map((g) => new authorization.RoleAssignment(`${baseName}-${g.what}`, {
    principalId,
    principalType: 'ServicePrincipal',
    roleDefinitionId: roleDefinitionId(subscriptionId, g.role),
    scope: g.scope,
  }, { parent }));
}

export interface AppIdentityArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  identityName: string;
}

export class AppIdentity extends pulumi.ComponentResource {
  readonly identity: managedidentity.UserAssignedIdentity;
  readonly id: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  readonly clientId: pulumi.Output<string>;

  constructor(private readonly baseName: string, args: AppIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:azure:AppIdentity', baseName, {}, opts);
    this.identity = new managedidentity.UserAssignedIdentity(`${baseName}-identity`, {
      resourceName: args.identityName,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
    }, { parent: this });
    this.id = this.identity.id;
    this.principalId = this.identity.principalId;
    this.clientId = this.identity.clientId;
    this.registerOutputs({ principalId: this.principalId, clientId: this.clientId });
  }

  /** Grants the identity each role; children of this component. */
  grant(subscriptionId: pulumi.Input<string>, grants: Grant[]): authorization.RoleAssignment[] {
    return assignRoles(this, this.baseName, this.principalId, subscriptionId, grants);
  }
}
