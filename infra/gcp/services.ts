/**
 * The Google APIs the stack uses, enabled on the project. A fresh project has most of them off,
 * and creating a function, a trigger or a database before its API is on fails: everything that
 * needs an API depends on `ready`. Destroying the stack leaves the APIs on (other workloads in
 * the project may use them).
 */
import * as pulumi from '@pulumi/pulumi';
import * as projects from '@pulumi/gcp/projects';

/**
 * Cloud Functions 2nd gen builds with Cloud Build, stores images in Artifact Registry and runs
 * on Cloud Run; storage triggers go through Eventarc and Pub/Sub (Cloud Functions 2nd gen,
 * "Enable APIs"); IAM creates the service accounts and their policies, and is NOT on by default
 * in a new project (403 SERVICE_DISABLED; "Custom Service Account for Cloud Build": "This feature
 * requires the IAM API"); IAM credentials signs the OIDC tokens of push deliveries; Logging
 * receives the build logs the build identity writes.
 */
export const requiredServices = [
  'cloudfunctions.googleapis.com',
  'run.googleapis.com',
  'cloudbuild.googleapis.com',
  'artifactregistry.googleapis.com',
  'eventarc.googleapis.com',
  'pubsub.googleapis.com',
  'firestore.googleapis.com',
  'storage.googleapis.com',
  'iam.googleapis.com',
  'iamcredentials.googleapis.com',
  'logging.googleapis.com',
  'monitoring.googleapis.com',
  // the outbox sweeper's schedule (infra/gcp/outbox-sweeper.ts)
  'cloudscheduler.googleapis.com',
] as const;

/**
 * The APIs each resource type of the stack calls when Pulumi creates, reads or updates it, from
 * each REST resource's host (`<api>.googleapis.com/v1/...`, the provider's resource docs). A type
 * missing here fails test/infra/deploy-rules/gcp.test.ts, so a new resource type cannot be added
 * without saying which API it needs. A Cloud Function also needs the APIs it builds and runs on.
 */
export const apisByResourceType: Record<string, readonly string[]> = {
  'gcp:projects/service:Service': ['serviceusage.googleapis.com'],
  // generateServiceIdentity is a Service Usage call; the service itself must be enabled first.
  'gcp:projects/serviceIdentity:ServiceIdentity': ['serviceusage.googleapis.com', 'pubsub.googleapis.com'],
  'gcp:projects/iAMMember:IAMMember': ['cloudresourcemanager.googleapis.com'],
  'gcp:serviceaccount/account:Account': ['iam.googleapis.com'],
  'gcp:serviceaccount/iAMMember:IAMMember': ['iam.googleapis.com'],
  'gcp:storage/bucket:Bucket': ['storage.googleapis.com'],
  'gcp:storage/bucketObject:BucketObject': ['storage.googleapis.com'],
  'gcp:storage/bucketIAMMember:BucketIAMMember': ['storage.googleapis.com'],
  'gcp:pubsub/topic:Topic': ['pubsub.googleapis.com'],
  'gcp:pubsub/subscription:Subscription': ['pubsub.googleapis.com'],
  'gcp:pubsub/topicIAMMember:TopicIAMMember': ['pubsub.googleapis.com'],
  'gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember': ['pubsub.googleapis.com'],
  'gcp:firestore/database:Database': ['firestore.googleapis.com'],
  'gcp:cloudfunctionsv2/function:Function': [
    'cloudfunctions.googleapis.com', 'cloudbuild.googleapis.com', 'artifactregistry.googleapis.com',
    'run.googleapis.com', 'logging.googleapis.com', 'eventarc.googleapis.com', 'pubsub.googleapis.com', 'iamcredentials.googleapis.com',
  ],
  'gcp:cloudrunv2/serviceIamMember:ServiceIamMember': ['run.googleapis.com'],
  'gcp:monitoring/alertPolicy:AlertPolicy': ['monitoring.googleapis.com'],
  // A stack that schedules anything must also enable Cloud Scheduler (off in a new project): the
  // suite then fails until 'cloudscheduler.googleapis.com' is among the enabled services.
  'gcp:cloudscheduler/job:Job': ['cloudscheduler.googleapis.com'],
};

/**
 * The APIs the stack needs before it can enable anything, so they are enabled by hand (README,
 * "Deploy to Google Cloud", Prerequisites):
 * - Service Usage, through which Pulumi's Google provider lists and enables services (on by
 *   default in new projects);
 * - Cloud Resource Manager: after enabling a service, the provider reads the project through it
 *   (google_project_service's Read, "Verify project for services still exists") and fails if it
 *   is off, and the program looks up the project number with it (organizations.getProject, for
 *   the Pub/Sub service agent's address) while it runs, before any resource exists.
 * They are not in `requiredServices`: a `projects.Service` for Cloud Resource Manager would itself
 * need Cloud Resource Manager, so listing it would only pretend that the stack can bootstrap it.
 */
export const prerequisiteServices = [
  'serviceusage.googleapis.com',
  'cloudresourcemanager.googleapis.com',
] as const;

export interface ProjectServicesArgs {
  project: string;
}

export class ProjectServices extends pulumi.ComponentResource {
  readonly services: projects.Service[];
  /** What a resource that needs the APIs depends on. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: ProjectServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:gcp:ProjectServices', name, {}, opts);
    this.services = requiredServices.map((service) => new projects.Service(`${name}-${service.split('.')[0]}`, {
      project: args.project,
      service,
      disableOnDestroy: false,
      disableDependentServices: false,
    }, { parent: this }));
    this.ready = this.services;
    this.registerOutputs({});
  }
}
