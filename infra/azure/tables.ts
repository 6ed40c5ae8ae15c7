/**
 * The Table storage tables: users, and orders (orders, stock and the outbox share one table, and
 * an order with its stock lines one partition, so that placing an order is one entity-group
 * transaction: at most 100 entities, one partition of one table). They live in the stack's
 * storage account, so their names need no prefix.
 */
import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';
import type { StorageAccount } from './storage-account';

/** Table names: 3-63 letters and digits, starting with a letter. */
export const tableNames = { users: 'users', orders: 'orders' } as const;

export interface TablesArgs {
  account: StorageAccount;
  /** deletionProtection: Pulumi refuses to delete or replace the tables (users, orders, stock). */
  protect: boolean;
}

export class Tables extends pulumi.ComponentResource {
  readonly users: storage.Table;
  readonly orders: storage.Table;

  constructor(name: string, args: TablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:azure:Tables', name, {}, opts);
    const table = (role: keyof typeof tableNames) => new storage.Table(`${name}-${role}`, {
      tableName: tableNames[role],
      accountName: args.account.name,
      resourceGroupName: args.account.resourceGroupName,
    }, { parent: this, protect: args.protect });
    this.users = table('users');
    this.orders = table('orders');
    this.registerOutputs({ users: this.users.name, orders: this.orders.name });
  }
}
