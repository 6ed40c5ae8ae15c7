/**
 * The Firestore database (native mode) that holds users, email claims, stock, orders and their
 * outbox: one named database per stack, so two stacks in one project do not share documents,
 * with point-in-time recovery and delete protection switchable per stack (like the DynamoDB
 * tables on AWS).
 *
 * Composite indexes: none. The adapters read documents by id (and write them in batches with
 * preconditions, not in transactions), and list users ordered by document id only
 * (adapters/gcp/ports/user-repository.ts); Firestore serves single-field and document-id
 * orderings from its automatic indexes.
 */
import * as pulumi from '@pulumi/pulumi';
import * as firestore from '@pulumi/gcp/firestore';

export interface TablesArgs {
  project: string;
  /** A Firestore location; a regional one equal to the functions' region keeps calls in-region. */
  location: string;
  namePrefix: string;
  deletionProtection: boolean;
  dependsOn: pulumi.Resource[];
}

/** Database ids: 4-63 lower-case letters, digits and hyphens, starting with a letter (Firestore, "Manage databases"). */
export function databaseId(namePrefix: string): string {
  return `${namePrefix}-db`;
}

export class Tables extends pulumi.ComponentResource {
  readonly database: firestore.Database;
  /** The database id the functions read from FIRESTORE_DATABASE. */
  readonly databaseName: pulumi.Output<string>;

  constructor(name: string, args: TablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:gcp:Tables', name, {}, opts);
    this.database = new firestore.Database(`${name}-database`, {
      project: args.project,
      name: databaseId(args.namePrefix),
      locationId: args.location,
      type: 'FIRESTORE_NATIVE',
      pointInTimeRecoveryEnablement: 'POINT_IN_TIME_RECOVERY_ENABLED',
      deleteProtectionState: args.deletionProtection ? 'DELETE_PROTECTION_ENABLED' : 'DELETE_PROTECTION_DISABLED',
      // Without protection `pulumi destroy` deletes the database. With it, nothing may delete or
      // replace it: a change that forces a replacement (another namePrefix or location) would
      // otherwise create a new, empty database, point the functions at it, and then, with
      // ABANDON, quietly forget the old one. Pulumi's `protect` stops such a plan before anything
      // is created ("resource ... cannot be replaced/deleted because it is protected", already in
      // `pulumi preview`); PREVENT makes the provider refuse the delete as well, should the
      // resource be unprotected in the state (pulumi-gcp firestore.Database `deletionPolicy`).
      deletionPolicy: args.deletionProtection ? 'PREVENT' : 'DELETE',
    }, { parent: this, dependsOn: args.dependsOn, protect: args.deletionProtection });
    this.databaseName = this.database.name;
    this.registerOutputs({ database: this.databaseName });
  }
}
