/** Shared by the Azure infra tests: resource type tokens and a stand-in app package. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const T = {
  plan: 'azure-native:web:AppServicePlan',
  app: 'azure-native:web:WebApp',
  account: 'azure-native:storage:StorageAccount',
  container: 'azure-native:storage:BlobContainer',
  policy: 'azure-native:storage:ManagementPolicy',
  queue: 'azure-native:storage:Queue',
  table: 'azure-native:storage:Table',
  roleAssignment: 'azure-native:authorization:RoleAssignment',
  systemTopic: 'azure-native:eventgrid:SystemTopic',
  subscription: 'azure-native:eventgrid:SystemTopicEventSubscription',
  topic: 'azure-native:eventgrid:Topic',
  component: 'azure-native:applicationinsights:Component',
  queryRule: 'azure-native:monitor:ScheduledQueryRule',
  metricAlert: 'azure-native:monitor:MetricAlert',
  actionGroup: 'azure-native:monitor:ActionGroup',
  code: 'pulumi-nodejs:dynamic/azure:CodeDeployment',
};

/** A directory laid out like `dist/`: `azure/app/` with host.json, package.json and an entry. */
export function fakeAppPackage(entry = 'exports.ok = true;\n'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mcf-azure-packages-'));
  const app = path.join(dir, 'azure', 'app');
  mkdirSync(path.join(app, 'dist'), { recursive: true });
  writeFileSync(path.join(app, 'host.json'), JSON.stringify({ version: '2.0' }));
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', main: 'dist/index.js' }));
  writeFileSync(path.join(app, 'dist', 'index.js'), entry);
  return dir;
}
