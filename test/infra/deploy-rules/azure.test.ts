/**
 * Deploy rules of the Azure stack, checked on the inputs that go over the wire (what the Pulumi
 * mocks receive, azure-native's SDK defaults applied). Each test names its source; the audit with
 * every rule is the "Azure" section of docs/deploy-rules.md.
 */
import { expect } from 'chai';
import { flexDeprecatedAppSettings, flexRefusedSiteConfig, flexSiteConfigKeys } from '../../../infra/azure/flex-site';
import type { Resources } from '../harness';
import { appSettingsOf, azureStack, T } from './azure-rules';

describe('deploy rules: Azure (dev-azure on the wire)', function () {
  this.timeout(120000);
  let r: Resources;
  before(async () => {
    ({ r } = await azureStack());
  });

  describe('Microsoft.Web/sites on Flex Consumption', () => {
    // Source: https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations;
    // pulumi/pulumi-azure-native#4168 (400 "Site.SiteConfig.NetFrameworkVersion for Flex Consumption sites is invalid");
    // microsoft/azure-pipelines-tasks#21032 (FtpsState, Use32BitWorkerProcess, NetFrameworkVersion refused).
    it('carries none of the site configuration properties Flex Consumption refuses, SDK defaults included', () => {
      const siteConfig = r.get(T.app, 'functions-app').inputs.siteConfig as Record<string, unknown>;
      const refused = Object.keys(siteConfig).filter((k) => (flexRefusedSiteConfig as readonly string[]).includes(k));
      expect(refused).to.deep.equal([]);
      expect(Object.keys(siteConfig).sort()).to.deep.equal([...flexSiteConfigKeys].sort());
      expect(siteConfig.minTlsVersion).to.equal('1.2');
    });

    it('sets none of the app settings Flex Consumption deprecated (the runtime is functionAppConfig.runtime)', () => {
      const app = r.get(T.app, 'functions-app');
      const names = Object.keys(appSettingsOf(app)).map((n) => n.toUpperCase());
      expect(names.filter((n) => (flexDeprecatedAppSettings as readonly string[]).includes(n))).to.deep.equal([]);
      expect(app.inputs.functionAppConfig).to.deep.include({ runtime: { name: 'node', version: '22' } });
    });

    it('sends no Windows sandbox flags (isXenon, hyperV) the SDK defaults to false', () => {
      const app = r.get(T.app, 'functions-app');
      expect(app.inputs).not.to.have.any.keys('isXenon', 'hyperV');
    });
  });

  describe('Microsoft.Insights/scheduledQueryRules (log search alerts)', () => {
    const criterion = (name: string) => (r.get(T.queryRule, name).inputs.criteria as { allOf: Record<string, unknown>[] }).allOf[0];

    // Functions marks a request failed only when the function throws; the users function answers
    // a store failure with a 500 problem document (handlers/users) and returns normally.
    // Source: https://learn.microsoft.com/azure/azure-monitor/app/data-model-complete#request (success, resultCode).
    it('counts HTTP 5xx answers as failures, not only invocations that threw', () => {
      const query = String(criterion('alarms-failures').query);
      expect(query).to.match(/success == false/).and.to.match(/toint\(resultCode\) >= 500/);
      expect(query).to.match(/success == false or toint\(resultCode\) >= 500/);
    });

    // Under adaptive sampling one row stands for itemCount items: count items, not rows.
    // Source: https://learn.microsoft.com/azure/azure-monitor/app/sampling (itemCount);
    // https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule (measure: a numeric column, aggregation Total).
    it('adds up itemCount (sampling) in both log alerts, per function', () => {
      for (const name of ['alarms-failures', 'alarms-deadLetters']) {
        const c = criterion(name);
        expect(c, name).to.deep.include({ timeAggregation: 'Total', metricMeasureColumn: 'itemCount', operator: 'GreaterThan', threshold: 0 });
        expect(String(c.query), name).to.match(/\bitemCount\b/).and.not.to.match(/count\(\)/);
        expect(c.dimensions, name).to.deep.equal([{ name: 'operation_Name', operator: 'Include', values: ['*'] }]);
      }
    });
  });
});
