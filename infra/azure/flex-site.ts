/**
 * What a Flex Consumption site may carry over the wire. Flex Consumption refuses a list of site
 * configuration properties with 400 "The following site configuration property
 * (Site.SiteConfig.<Name>) for Flex Consumption sites is invalid" (ARM error 51021), and
 * Microsoft lists them with the app settings Flex ignores or replaced ("Flex Consumption plan
 * deprecations", https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations).
 * azure-native 3.x adds `netFrameworkVersion`, `http20Enabled` and `localMySqlEnabled` to ANY
 * `siteConfig` it is given (`siteConfigArgsProvideDefaults`, @pulumi/azure-native types/input.js)
 * and sends the site's whole body on every update (pulumi/pulumi-azure-native#4168), so the app
 * sets only `appSettings` and `minTlsVersion` (Microsoft's own Flex sample sets only appSettings:
 * Azure-Samples/azure-functions-flex-consumption-samples IaC/bicep/core/host/function.bicep) and a
 * resource transformation removes what the SDK adds, before the request is registered.
 */
import * as pulumi from '@pulumi/pulumi';

/**
 * Site configuration properties a Flex Consumption site must not carry. Sources of the refusals:
 * netFrameworkVersion (pulumi/pulumi-azure-native#4168); ftpsState, use32BitWorkerProcess,
 * preWarmedInstanceCount, netFrameworkVersion, functionsRuntimeScaleMonitoringEnabled (verbatim
 * 51021 list, microsoft/azure-pipelines-tasks#21032 and Microsoft Q&A 2277522); linuxFxVersion
 * (Azure/terraform-azurerm-avm-res-web-site#283); alwaysOn, javaVersion, powerShellVersion,
 * functionAppScaleLimit, vnetRouteAllEnabled (the deprecations list above). http20Enabled and
 * localMySqlEnabled are the SDK's other two defaults: HTTP/2 proxying is not offered on Flex (the
 * portal hides it for Flex apps, Azure/azure-functions-ux#7660) and MySQL in App is a Windows
 * feature; neither belongs on a Flex site.
 */
export const flexRefusedSiteConfig = [
  'alwaysOn',
  'ftpsState',
  'functionAppScaleLimit',
  'functionsRuntimeScaleMonitoringEnabled',
  'http20Enabled',
  'javaVersion',
  'linuxFxVersion',
  'localMySqlEnabled',
  'netFrameworkVersion',
  'powerShellVersion',
  'preWarmedInstanceCount',
  'use32BitWorkerProcess',
  'vnetRouteAllEnabled',
  'windowsFxVersion',
] as const;

/** The only site configuration the stack sends. */
export const flexSiteConfigKeys = ['appSettings', 'minTlsVersion'] as const;

/**
 * Site-level properties the SDK defaults (`isXenon`, `hyperV`: Windows container sandboxing,
 * "Obsolete: Hyper-V sandbox" in the Microsoft.Web REST spec) that mean nothing on a Linux Flex
 * site; absent, the platform takes false.
 */
export const flexDroppedSiteProperties = ['isXenon', 'hyperV'] as const;

/**
 * App settings Flex Consumption replaced by `functionAppConfig` or does not use (the deprecations
 * list above): the stack must set none of them.
 */
export const flexDeprecatedAppSettings = [
  'ENABLE_ORYX_BUILD',
  'FUNCTIONS_EXTENSION_VERSION',
  'FUNCTIONS_MAX_HTTP_CONCURRENCY',
  'FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED',
  'FUNCTIONS_WORKER_PROCESS_COUNT',
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_WORKER_RUNTIME_VERSION',
  'SCM_DO_BUILD_DURING_DEPLOYMENT',
  'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
  'WEBSITE_CONTENTOVERVNET',
  'WEBSITE_CONTENTSHARE',
  'WEBSITE_DNS_SERVER',
  'WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT',
  'WEBSITE_NODE_DEFAULT_VERSION',
  'WEBSITE_RUN_FROM_PACKAGE',
  'WEBSITE_SKIP_CONTENTSHARE_VALIDATION',
  'WEBSITE_VNET_ROUTE_ALL',
] as const;

type Props = Record<string, unknown>;

function withoutKeys(value: unknown, keys: readonly string[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Props).filter(([k]) => !keys.includes(k)));
}

/**
 * The transformation: the site's properties without what Flex refuses. `siteConfig` is an Output
 * (the SDK applies its defaults inside an apply), so the removal is an apply on it too.
 * A transformation (not a `transforms` callback) runs in this process before registration, so the
 * engine and the offline mocks receive the same inputs.
 */
export const flexSiteTransformation: pulumi.ResourceTransformation = ({ props, opts }) => {
  const site = withoutKeys(props, flexDroppedSiteProperties) as Props;
  if (site.siteConfig !== undefined) {
    site.siteConfig = pulumi.output(site.siteConfig as pulumi.Input<Props>).apply((config) => withoutKeys(config, flexRefusedSiteConfig));
  }
  return { props: site, opts };
};
