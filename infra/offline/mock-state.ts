/**
 * The mocks' answers, per cloud: each cloud registers how its resources' outputs look and which
 * provider functions it answers. A resource of no registered cloud gets its inputs back.
 */
import { awsCall, awsState } from './aws-state';
import { azureCall, azureState } from './azure-state';
import { gcpCall, gcpState } from './gcp-state';

export interface MockState {
  id: string;
  state: Record<string, unknown>;
}

export interface CloudMocks {
  state(type: string, name: string, inputs: Record<string, unknown>, region: string): MockState;
  call(token: string, region: string): Record<string, unknown> | undefined;
  /** The stack config key holding the region, and its fallback. */
  regionKey: string;
  defaultRegion: string;
}

/** Keyed by the provider package prefix of resource types (`aws:`, `azure-native:`, `gcp:`). */
export const cloudMocks: Record<string, CloudMocks> = {
  aws: { state: awsState, call: awsCall, regionKey: 'aws:region', defaultRegion: 'us-east-1' },
  gcp: { state: gcpState, call: gcpCall, regionKey: 'gcp:region', defaultRegion: 'us-central1' },
  'azure-native': { state: azureState, call: azureCall, regionKey: 'azure-native:location', defaultRegion: 'westeurope' },
};
