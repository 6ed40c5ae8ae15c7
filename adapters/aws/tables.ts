/**
 * The DynamoDB table designs, access patterns first. `infra/aws` creates the tables from these
 * definitions and the tests create the same ones in DynamoDB Local, so the two cannot drift.
 *
 * users table (USERS_TABLE)
 *   get / update / delete a user by id      -> item pk = "USER#<id>"          (GetItem, strongly consistent)
 *   one user per email (create, change)      -> item pk = "EMAIL#<email>"      (written in the same transaction)
 *   list in ascending user_id, paginated     -> index `users-by-id`: partition key `listing` = "USER"
 *                                               (only user items carry it: a sparse index), sort key `user_id`
 *   A Scan has no order, so listing needs one partition that holds every user in id order. Its cost,
 *   said plainly: every user write is also written to that one index partition, which takes about
 *   1,000 writes/s (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html),
 *   so user writes top out near that rate; and index reads are eventually consistent, so a user
 *   created a moment ago may be missing from a list for a fraction of a second. Point reads and
 *   writes stay spread over many partitions by `pk`. Past that ceiling, shard `listing` and merge.
 *
 * orders table (ORDERS_TABLE): stock, orders and outbox together, so that placing an order is one
 * TransactWriteItems on one table (at most 100 actions: 25 lines + the order + its outbox)
 *   stock of a product                       -> pk = "PRODUCT#<id>", sk = "STOCK", `quantity`
 *   an order by id                           -> pk = "ORDER#<id>",   sk = "ORDER"
 *   the order's outbox entries               -> pk = "ORDER#<id>",   sk = "OUTBOX#<entry_id>", `seq`, `sent`,
 *                                               a lease `claim_owner` / `claim_until` while a relay sends it
 *   An order and its outbox share a partition, so the pending entries are one Query.
 *   outbox entries pending since before T     -> index `outbox-pending` (the sweeper): partition key
 *                                               `outbox_pending` = "PENDING", sort key `pending_since`
 *                                               (the order's placed_at). Only a pending entry carries these
 *                                               two attributes: the write that marks it sent removes them,
 *                                               so the index is sparse and holds nothing but pending work
 *                                               (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-indexes-general-sparse-indexes.html).
 *                                               KEYS_ONLY: the sweeper needs the order id (`pk`) and nothing else.
 *   Its cost: each entry enters and leaves that one index partition once (about 1,000 writes/s per
 *   partition, see above), i.e. some 250 orders/s of two entries each; past that, shard the value.
 */

export const usersTable = {
  partitionKey: 'pk',
  listingIndex: 'users-by-id',
  listingKey: 'listing',
  listingSortKey: 'user_id',
  /** The one value of `listing`: every user item sits in the same index partition. */
  listingPartition: 'USER',
} as const;

export const ordersTable = {
  partitionKey: 'pk',
  sortKey: 'sk',
  pendingIndex: 'outbox-pending',
  pendingKey: 'outbox_pending',
  pendingSortKey: 'pending_since',
  /** The one value of `outbox_pending`. */
  pendingPartition: 'PENDING',
} as const;

export const userKey = (userId: string) => `USER#${userId}`;
export const emailKey = (email: string) => `EMAIL#${email}`;
export const productKey = (productId: string) => ({ pk: `PRODUCT#${productId}`, sk: 'STOCK' });
export const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
export const outboxKey = (orderId: string, entryId: string) => ({ pk: `ORDER#${orderId}`, sk: `OUTBOX#${entryId}` });
export const outboxPrefix = 'OUTBOX#';

/** CreateTable input (without TableName), on-demand billing, in the shape the SDK and Pulumi both take. */
export const usersTableDefinition = {
  AttributeDefinitions: [
    { AttributeName: usersTable.partitionKey, AttributeType: 'S' },
    { AttributeName: usersTable.listingKey, AttributeType: 'S' },
    { AttributeName: usersTable.listingSortKey, AttributeType: 'S' },
  ],
  KeySchema: [{ AttributeName: usersTable.partitionKey, KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [
    {
      IndexName: usersTable.listingIndex,
      KeySchema: [
        { AttributeName: usersTable.listingKey, KeyType: 'HASH' },
        { AttributeName: usersTable.listingSortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
} as const;

export const ordersTableDefinition = {
  AttributeDefinitions: [
    { AttributeName: ordersTable.partitionKey, AttributeType: 'S' },
    { AttributeName: ordersTable.sortKey, AttributeType: 'S' },
    { AttributeName: ordersTable.pendingKey, AttributeType: 'S' },
    { AttributeName: ordersTable.pendingSortKey, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: ordersTable.partitionKey, KeyType: 'HASH' },
    { AttributeName: ordersTable.sortKey, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: ordersTable.pendingIndex,
      KeySchema: [
        { AttributeName: ordersTable.pendingKey, KeyType: 'HASH' },
        { AttributeName: ordersTable.pendingSortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
} as const;
