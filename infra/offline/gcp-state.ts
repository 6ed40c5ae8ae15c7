/**
 * What the mocks answer for Google Cloud (`@pulumi/gcp`) resources: the inputs back, plus the
 * outputs the program reads (service account emails, topic and subscription ids, the function's
 * URL and Cloud Run service) shaped like the real ones, so that IAM members, push endpoints and
 * outputs can be checked.
 */
import type { MockState } from './mock-state';

export const gcpProjectNumber = '123456789012';
/** The account the offline provider "authenticates" as (google_client_openid_userinfo). */
export const gcpDeployerEmail = 'deployer@example.com';

export function gcpState(type: string, name: string, inputs: Record<string, unknown>, region: string): MockState {
  const project = String(inputs.project ?? 'offline-project');
  const physical = String(inputs.name ?? inputs.accountId ?? name);
  const state: Record<string, unknown> = { ...inputs, name: physical, project };
  switch (type) {
    case 'gcp:serviceaccount/account:Account': {
      const email = `${String(inputs.accountId)}@${project}.iam.gserviceaccount.com`;
      const id = `projects/${project}/serviceAccounts/${email}`;
      return { id, state: { ...state, email, name: id, member: `serviceAccount:${email}`, uniqueId: `uid-${String(inputs.accountId)}` } };
    }
    case 'gcp:storage/bucket:Bucket':
      return { id: physical, state: { ...state, url: `gs://${physical}`, selfLink: `https://www.googleapis.com/storage/v1/b/${physical}` } };
    case 'gcp:storage/bucketObject:BucketObject':
      return { id: `${String(inputs.bucket)}-${physical}`, state: { ...state, generation: 1, mediaLink: `https://storage.googleapis.com/download/storage/v1/b/${String(inputs.bucket)}/o/${physical}` } };
    case 'gcp:pubsub/topic:Topic':
      return { id: `projects/${project}/topics/${physical}`, state };
    case 'gcp:pubsub/subscription:Subscription':
      return { id: `projects/${project}/subscriptions/${physical}`, state };
    case 'gcp:firestore/database:Database':
      return { id: `projects/${project}/databases/${physical}`, state };
    case 'gcp:cloudfunctionsv2/function:Function': {
      const location = String(inputs.location ?? region);
      const serviceConfig = { ...(inputs.serviceConfig as object), service: `projects/${project}/locations/${location}/services/${physical}`, uri: `https://${physical}-offline-${location}.a.run.app` };
      return { id: `projects/${project}/locations/${location}/functions/${physical}`, state: { ...state, serviceConfig, url: `https://${location}-${project}.cloudfunctions.net/${physical}`, state: 'ACTIVE' } };
    }
    case 'gcp:projects/serviceIdentity:ServiceIdentity': {
      // Agents are named service-<project number>@gcp-sa-<service>.iam.gserviceaccount.com.
      const email = `service-${gcpProjectNumber}@gcp-sa-${String(inputs.service).split('.')[0]}.iam.gserviceaccount.com`;
      return { id: `projects/${project}/services/${String(inputs.service)}`, state: { ...inputs, email, member: `serviceAccount:${email}` } };
    }
    case 'gcp:monitoring/alertPolicy:AlertPolicy':
      return { id: `projects/${project}/alertPolicies/${name}`, state: { ...state, name: `projects/${project}/alertPolicies/${name}` } };
    default:
      return { id: `${name}-id`, state: { ...inputs } };
  }
}

/** Provider functions the Google Cloud program calls, by token. */
export function gcpCall(token: string): Record<string, unknown> | undefined {
  if (token === 'gcp:organizations/getProject:getProject') {
    return { number: gcpProjectNumber, projectId: 'offline-project', name: 'offline-project', id: 'projects/offline-project' };
  }
  if (token === 'gcp:storage/getProjectServiceAccount:getProjectServiceAccount') {
    return { emailAddress: `service-${gcpProjectNumber}@gs-project-accounts.iam.gserviceaccount.com`, member: `serviceAccount:service-${gcpProjectNumber}@gs-project-accounts.iam.gserviceaccount.com`, id: 'gcs-account' };
  }
  if (token === 'gcp:organizations/getClientOpenIdUserInfo:getClientOpenIdUserInfo') {
    return { email: gcpDeployerEmail, id: gcpDeployerEmail };
  }
  return undefined;
}
