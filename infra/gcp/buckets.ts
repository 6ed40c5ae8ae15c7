/**
 * The upload buckets: originals (where users upload, objects deleted after some days) and
 * compressed (where the images function writes), both with uniform bucket-level access and public
 * access prevention enforced; the source bucket holding the function packages; the images
 * dead-letter topic with a subscription that keeps what lands there; and the identity and roles
 * the Eventarc trigger on originals delivers with.
 */
import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import * as storage from '@pulumi/gcp/storage';
import type { BucketNames } from './bucket-names';
import type { ServerlessFunction } from './function';
import { accountId, bind, serviceAccountMember } from './iam';
import { seconds } from './options';

export interface UploadBucketsArgs {
  project: string;
  region: string;
  namePrefix: string;
  /** Physical names, unique per project by default (bucket-names.ts). */
  names: BucketNames;
  originalsExpireDays: number;
  /** Let `pulumi destroy` delete buckets that still hold objects. */
  forceDestroy: boolean;
  /** CORS on originals, for browsers sending signed uploads (signed-uploads.ts). */
  originalsCors?: storage.BucketArgs['cors'];
  dependsOn: pulumi.Resource[];
}

/** Dead letters are kept 14 days, as on AWS (a subscription keeps at most 31 days). */
export const deadLetterRetentionSeconds = 14 * 24 * 60 * 60;

/**
 * A topic with a pull subscription that keeps its messages: "messages published to a topic with
 * no subscriptions are lost" (Pub/Sub DeadLetterPolicy). The subscription never expires: by
 * default a subscription with no activity for 31 days is deleted.
 */
export function keptTopic(name: string, project: string, topicName: string, parent: pulumi.Resource, dependsOn: pulumi.Resource[]): { topic: pubsub.Topic; kept: pubsub.Subscription } {
  const topic = new pubsub.Topic(name, { project, name: topicName }, { parent, dependsOn });
  const kept = new pubsub.Subscription(`${name}-kept`, {
    project,
    name: `${topicName}-kept`,
    topic: topic.id,
    messageRetentionDuration: seconds(deadLetterRetentionSeconds),
    expirationPolicy: { ttl: '' },
    ackDeadlineSeconds: 60,
  }, { parent });
  return { topic, kept };
}

export class UploadBuckets extends pulumi.ComponentResource {
  readonly originals: storage.Bucket;
  readonly compressed: storage.Bucket;
  readonly source: storage.Bucket;
  readonly deadLetters: pubsub.Topic;
  readonly deadLettersKept: pubsub.Subscription;
  /** Who the Eventarc trigger delivers as; it may invoke the images function and nothing else. */
  readonly triggerAccount: serviceaccount.Account;
  /** The roles the trigger needs before it can be created. */
  readonly triggerReady: pulumi.Resource[];
  /** Eventarc triggers for Cloud Storage must be in the bucket's location: the bucket's region. */
  readonly triggerRegion: string;

  constructor(private readonly baseName: string, private readonly args: UploadBucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:gcp:UploadBuckets', baseName, {}, opts);
    this.triggerRegion = args.region;
    this.originals = this.privateBucket('originals', args.names.originals, args.forceDestroy, [
      { action: { type: 'Delete' }, condition: { age: args.originalsExpireDays } },
    ], args.originalsCors);
    this.compressed = this.privateBucket('compressed', args.names.compressed, args.forceDestroy, []);
    // Packages only, so always deletable; a changed package is a new object and Pulumi deletes
    // the one it replaces.
    this.source = this.privateBucket('source', args.names.sources, true, []);

    const dead = keptTopic(`${baseName}-dead-letters`, args.project, `${args.namePrefix}-images-dead-letters`, this, args.dependsOn);
    this.deadLetters = dead.topic;
    this.deadLettersKept = dead.kept;

    this.triggerAccount = new serviceaccount.Account(`${baseName}-trigger-identity`, {
      project: args.project,
      accountId: accountId(args.namePrefix, 'upload-trigger'),
      displayName: `${args.namePrefix} upload trigger`,
      description: 'Delivers object-finalized events from the originals bucket to the images function',
    }, { parent: this, dependsOn: args.dependsOn });
    const parent = { parent: this };
    this.triggerReady = [
      // The trigger's identity receives events (a project-level role: Eventarc, "Roles and permissions").
      bind(`${baseName}-trigger-receives`, args.project, serviceAccountMember(this.triggerAccount.email), {
        label: 'receives-events', role: 'roles/eventarc.eventReceiver', on: { project: true },
      }, parent),
    ];
    this.registerOutputs({ originals: this.originals.name, compressed: this.compressed.name, deadLetters: this.deadLetters.name });
  }

  /**
   * Cloud Storage publishes its events through Pub/Sub as the project's Cloud Storage service
   * agent, which needs `roles/pubsub.publisher` (Eventarc, "Create a trigger for Cloud Storage").
   */
  allowStorageEvents(storageAgentEmail: pulumi.Input<string>, pubsubAgentEmail: pulumi.Input<string>): void {
    this.triggerReady.push(bind(`${this.baseName}-storage-agent-publishes`, this.args.project, serviceAccountMember(storageAgentEmail), {
      label: 'storage-agent-publishes', role: 'roles/pubsub.publisher', on: { project: true },
    }, { parent: this }));
    // Eventarc delivers through a Pub/Sub push whose OIDC token the Pub/Sub service agent mints
    // as the trigger's identity; projects created before 8 April 2021 lack this role by default
    // (Eventarc, "Roles and permissions for Cloud Run functions targets").
    this.triggerReady.push(bind(`${this.baseName}-agent-mints-tokens`, this.args.project, serviceAccountMember(pubsubAgentEmail), {
      label: 'agent-mints-tokens', role: 'roles/iam.serviceAccountTokenCreator', on: { serviceAccount: this.triggerAccount.name },
    }, { parent: this }));
  }

  /** The trigger invokes the images function's Cloud Run service as its own identity. */
  allowTrigger(fn: ServerlessFunction): void {
    bind(`${this.baseName}-trigger-invokes`, this.args.project, serviceAccountMember(this.triggerAccount.email), {
      label: 'trigger-invokes', role: 'roles/run.invoker', on: { service: fn.serviceName, location: fn.region },
    }, { parent: this });
  }

  private privateBucket(role: string, name: string, forceDestroy: boolean, lifecycleRules: storage.BucketArgs['lifecycleRules'], cors?: storage.BucketArgs['cors']): storage.Bucket {
    return new storage.Bucket(`${this.baseName}-${role}`, {
      project: this.args.project,
      name,
      location: this.args.region.toUpperCase(),
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      forceDestroy,
      lifecycleRules,
      ...(cors ? { cors } : {}),
    }, { parent: this, dependsOn: this.args.dependsOn });
  }
}
