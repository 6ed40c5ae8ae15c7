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
 * "Enable APIs"); IAM credentials signs the OIDC tokens of push deliveries.
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
  'iamcredentials.googleapis.com',
  'monitoring.googleapis.com',
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
