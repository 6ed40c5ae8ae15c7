/**
 * Where the app's telemetry goes (Azure-only concept: Lambda and Cloud Functions log without a
 * resource to create): a Log Analytics workspace and a workspace-based Application Insights
 * component. Local (key) authentication is off: the app sends telemetry with its identity
 * (APPLICATIONINSIGHTS_AUTHENTICATION_STRING, Monitoring Metrics Publisher on the component).
 */
import * as pulumi from '@pulumi/pulumi';
import * as applicationinsights from '@pulumi/azure-native/applicationinsights';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights';

export interface MonitoringArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  namePrefix: string;
  retentionInDays: number;
}

export class Monitoring extends pulumi.ComponentResource {
  readonly workspace: operationalinsights.Workspace;
  readonly insights: applicationinsights.Component;
  readonly connectionString: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:azure:Monitoring', name, {}, opts);
    this.workspace = new operationalinsights.Workspace(`${name}-workspace`, {
      workspaceName: `${args.namePrefix}-logs`,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      sku: { name: 'PerGB2018' },
      retentionInDays: args.retentionInDays,
    }, { parent: this });
    this.insights = new applicationinsights.Component(`${name}-insights`, {
      resourceName: `${args.namePrefix}-insights`,
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      kind: 'web',
      applicationType: 'web',
      ingestionMode: 'LogAnalytics',
      workspaceResourceId: this.workspace.id,
      disableLocalAuth: true,
    }, { parent: this });
    this.connectionString = this.insights.connectionString;
    this.registerOutputs({ insights: this.insights.name });
  }
}
