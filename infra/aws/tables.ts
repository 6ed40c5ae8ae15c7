/**
 * The DynamoDB tables, built from the designs the AWS adapters query (adapters/aws/tables.ts),
 * so keys and indexes cannot drift from the code: users, and orders (stock, orders and the outbox
 * in one table, so that placing an order is one TransactWriteItems). On-demand billing,
 * point-in-time recovery, deletion protection switchable per stack.
 */
import * as pulumi from '@pulumi/pulumi';
import * as dynamodb from '@pulumi/aws/dynamodb';
import { ordersTableDefinition, usersTable, usersTableDefinition } from '../../adapters/aws/tables';

export interface TablesArgs {
  namePrefix: string;
  deletionProtection: boolean;
}

interface TableDefinition {
  AttributeDefinitions: readonly { AttributeName: string; AttributeType: string }[];
  KeySchema: readonly { AttributeName: string; KeyType: string }[];
  GlobalSecondaryIndexes?: readonly {
    IndexName: string;
    KeySchema: readonly { AttributeName: string; KeyType: string }[];
    Projection: { ProjectionType: string };
  }[];
}

/** A CreateTable definition in the shape of Pulumi's table arguments. */
export function tableArgs(definition: TableDefinition): Pick<dynamodb.TableArgs, 'attributes' | 'hashKey' | 'rangeKey' | 'globalSecondaryIndexes'> {
  const key = (schema: TableDefinition['KeySchema'], type: string) => schema.find((k) => k.KeyType === type)?.AttributeName;
  return {
    attributes: definition.AttributeDefinitions.map((a) => ({ name: a.AttributeName, type: a.AttributeType })),
    hashKey: key(definition.KeySchema, 'HASH'),
    rangeKey: key(definition.KeySchema, 'RANGE'),
    globalSecondaryIndexes: definition.GlobalSecondaryIndexes?.map((i) => ({
      name: i.IndexName,
      keySchemas: i.KeySchema.map((k) => ({ attributeName: k.AttributeName, keyType: k.KeyType })),
      projectionType: i.Projection.ProjectionType,
    })),
  };
}

export class Tables extends pulumi.ComponentResource {
  readonly users: dynamodb.Table;
  readonly orders: dynamodb.Table;
  /** The users listing index, which the users function queries (granted by its ARN). */
  readonly usersListingIndexArn: pulumi.Output<string>;

  constructor(name: string, args: TablesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('multicloud:aws:Tables', name, {}, opts);
    const common = {
      billingMode: 'PAY_PER_REQUEST',
      pointInTimeRecovery: { enabled: true },
      deletionProtectionEnabled: args.deletionProtection,
      serverSideEncryption: { enabled: true },
    };
    this.users = new dynamodb.Table(`${name}-users`, {
      ...common,
      ...tableArgs(usersTableDefinition),
      name: `${args.namePrefix}-users-table`,
    }, { parent: this });
    this.orders = new dynamodb.Table(`${name}-orders`, {
      ...common,
      ...tableArgs(ordersTableDefinition),
      name: `${args.namePrefix}-orders-table`,
    }, { parent: this });
    this.usersListingIndexArn = pulumi.interpolate`${this.users.arn}/index/${usersTable.listingIndex}`;
    this.registerOutputs({ users: this.users.name, orders: this.orders.name });
  }
}
