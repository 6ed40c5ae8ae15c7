/**
 * The Pulumi program (Pulumi.yaml `main: infra/`): reads the stack config once, through the one
 * validated config module, and hands it to the chosen cloud. The stack outputs are this module's
 * export.
 */
import * as pulumi from '@pulumi/pulumi';
import { deployAws } from './aws';
import { deployGcp } from './gcp';
import { deployAzure } from './azure';
import { readStackConfig, type StackConfig } from './config';

function deploy(config: StackConfig): Record<string, pulumi.Input<unknown>> {
  switch (config.cloud) {
    case 'aws':
      return deployAws(config);
    case 'gcp':
      return deployGcp(config);
    case 'azure':
      return deployAzure(config);
    default:
      // readStackConfig refuses clouds without a limits table; this guards the two lists drifting.
      throw new pulumi.RunError(`The ${config.cloud} stack is not part of this program yet`);
  }
}

export = deploy(readStackConfig());
