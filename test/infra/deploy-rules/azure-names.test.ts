/**
 * Deploy rules of the Azure stack about names and data: the storage account's globally unique
 * name, deletionProtection, and the settings that would silently do nothing on Azure (throttle,
 * 512 MB instances). Checked on the wire inputs of the dev-azure stack and its variants.
 */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { defaultStorageAccountName, functionAppName, orderEventsTopicName, storageAccountNamePattern, uniqueSuffix } from '../../../infra/azure/names';
import { throttleDefaults } from '../../../infra/azure/options';
import { azureSubscriptionId } from '../../../infra/offline/azure-state';
import { loadStackConfig } from '../../../infra/offline/run-stack';
import { azureStack, T } from './azure-rules';

describe('deploy rules: Azure names, data protection, settings Azure has no use for', function () {
  this.timeout(120000);

  // Source: https://learn.microsoft.com/azure/storage/common/storage-account-overview#storage-account-name
  // ("between 3 and 24 characters ... numbers and lowercase letters only ... unique within Azure").
  describe('Microsoft.Storage/storageAccounts: a name unique across Azure', () => {
    it('by default, a valid name derived from the subscription and resource group (getClientConfig), not from the stack name alone', async () => {
      const { r, run } = await azureStack();
      const name = String(r.get(T.account, 'storage-account').inputs.accountName);
      expect(name).to.match(storageAccountNamePattern);
      expect(name).to.equal(defaultStorageAccountName('mcf-dev-azure', azureSubscriptionId, 'mcf-dev-azure-rg'));
      expect(name).not.to.equal('mcfdevazuredata');
      expect(run.outputs.storageAccountName).to.equal(name);
      // The committed stack file hard-codes no name that every user of it would collide on.
      // (The CLI merges Pulumi.yaml's default, "", which means derived.)
      expect(loadStackConfig('dev-azure').config['multicloud-functions:storageAccountName'] ?? '').to.equal('');
    });

    it('differs between subscriptions, is stable for one, and stays valid for the longest prefix', () => {
      const a = defaultStorageAccountName('mcf-dev-azure', '11111111-1111-4111-8111-111111111111', 'mcf-dev-azure-rg');
      const b = defaultStorageAccountName('mcf-dev-azure', '22222222-2222-4222-8222-222222222222', 'mcf-dev-azure-rg');
      expect(a).not.to.equal(b);
      expect(defaultStorageAccountName('mcf-dev-azure', '11111111-1111-4111-8111-111111111111', 'mcf-dev-azure-rg')).to.equal(a);
      const longest = defaultStorageAccountName(`m${'-9'.repeat(14)}x`, azureSubscriptionId, 'rg');
      expect(longest).to.match(storageAccountNamePattern);
      expect(defaultStorageAccountName('a', azureSubscriptionId, 'rg')).to.match(storageAccountNamePattern);
    });

    it('takes the stack\'s storageAccountName as it is, and refuses one Azure would refuse', async () => {
      const { r } = await azureStack({ overrides: { storageAccountName: 'mycompanydata01' } });
      expect(r.get(T.account, 'storage-account').inputs.accountName).to.equal('mycompanydata01');
      for (const bad of ['ab', 'a'.repeat(25), 'My-Data']) {
        const error = await azureStack({ overrides: { storageAccountName: bad } }).then(() => undefined, (e: Error) => e);
        expect(pulumi.RunError.isInstance(error), bad).to.equal(true);
        expect(error!.message).to.include('"multicloud-functions:storageAccountName"').and.include('3-24 lower-case letters and digits, unique across all of Azure');
      }
    });
  });

  // Sources: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
  // (Microsoft.Web/sites: 2-60, alphanumerics and hyphens, "must be globally unique" (<name>.azurewebsites.net);
  // Microsoft.EventGrid/topics: 3-50, alphanumerics and hyphens; the endpoint <name>.<region>-1.eventgrid.azure.net).
  describe('Microsoft.Web/sites and Microsoft.EventGrid/topics: names other customers share', () => {
    it('carry the subscription-derived suffix and fit their rules, for the longest prefix too', async () => {
      const { r } = await azureStack();
      const suffix = uniqueSuffix(azureSubscriptionId, 'mcf-dev-azure-rg');
      const app = String(r.get(T.app, 'functions-app').inputs.name);
      const topic = String(r.get(T.topic, 'orders-pipeline-events').inputs.topicName);
      expect(app).to.equal(`mcf-dev-azure-functions-${suffix}`);
      expect(topic).to.equal(`mcf-dev-azure-orders-${suffix}`);
      const prefix = `m${'a'.repeat(29)}`;
      expect(functionAppName(prefix, azureSubscriptionId, `${prefix}-rg`)).to.match(/^[a-z0-9][a-z0-9-]{0,58}[a-z0-9]$/);
      expect(orderEventsTopicName(prefix, azureSubscriptionId, `${prefix}-rg`)).to.match(/^[a-zA-Z0-9-]{3,50}$/);
    });
  });

  // Pulumi's `protect` option: the engine refuses to delete (pulumi destroy) or replace a protected
  // resource (https://www.pulumi.com/docs/iac/concepts/options/protect/).
  describe('deletionProtection', () => {
    const dataResources = (r: Awaited<ReturnType<typeof azureStack>>['r']) => [
      r.get(T.account, 'storage-account'), r.get(T.table, 'tables-users'), r.get(T.table, 'tables-orders'),
      r.get(T.container, 'uploads-originals'), r.get(T.container, 'uploads-compressed'),
    ];

    it('on (the project default): the storage account, the tables and the upload containers are protected', async () => {
      const { r } = await azureStack({ overrides: { deletionProtection: true } });
      for (const resource of dataResources(r)) expect(resource.protect, resource.name).to.equal(true);
      // Nothing else: the app, its plan and the queues can be replaced freely.
      expect(r.get(T.app, 'functions-app').protect).to.equal(false);
    });

    it('off (the dev stack): nothing is protected', async () => {
      const { r } = await azureStack();
      expect(r.all.filter((x) => x.protect).map((x) => x.name)).to.deep.equal([]);
    });
  });

  describe('settings that would do nothing on Azure are refused', () => {
    // The throttle is an API Gateway stage setting (infra/aws/users-api.ts); Flex Consumption's
    // HTTP trigger has none (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan).
    for (const [key, fallback] of Object.entries(throttleDefaults)) {
      it(`${key} other than its default`, async () => {
        const error = await azureStack({ overrides: { [key]: fallback + 1 } }).then(() => undefined, (e: Error) => e);
        expect(pulumi.RunError.isInstance(error), String(error)).to.equal(true);
        expect(error!.message).to.include(`"multicloud-functions:${key}"`).and.include('AWS API Gateway setting').and.include('API Management or Front Door');
      });
    }

    it('accepts the defaults Pulumi.yaml gives every stack', async () => {
      const { config } = loadStackConfig('dev-azure');
      for (const [key, fallback] of Object.entries(throttleDefaults)) expect(config[`multicloud-functions:${key}`], key).to.equal(String(fallback));
      await azureStack({ overrides: { throttleRateLimit: 50, throttleBurstLimit: 100 } });
    });

    // Microsoft documents 512 MB; the service has been reported to refuse it (Azure/azure-rest-api-specs#40898).
    it('512 MB instances, with the reason', async () => {
      const error = await azureStack({ overrides: { instanceMemoryMb: 512 } }).then(() => undefined, (e: Error) => e);
      expect(error!.message).to.include('allowed is 2048 or 4096').and.include('Azure/azure-rest-api-specs#40898');
    });
  });
});
