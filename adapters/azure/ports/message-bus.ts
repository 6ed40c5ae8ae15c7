/**
 * MessageBus on a storage queue (payments) and an Event Grid custom topic (events).
 *
 * Storage queue messages have no properties, so a message is written as one JSON envelope
 * `{"attributes": {"order_id": ...}, "body": {...}}` in the encoding pinned in host.json; a
 * consumer deduplicates on `attributes.order_id` (equal to `body.order_id`). A message is at most
 * 64 KiB after encoding (https://learn.microsoft.com/rest/api/storageservices/put-message).
 * Events use the Event Grid schema: `eventType` carries the `event_type` attribute and
 * `subject` is `orders/<order_id>`, the two fields subscriptions filter on; `data` is the event.
 */
import type { EventGridPublisherClient } from '@azure/eventgrid';
import type { QueueServiceClient } from '@azure/storage-queue';
import { randomUUID } from 'node:crypto';
import type { MessageBus, PublishOptions, SendOptions } from '../../../handlers/ports/message-bus';
import { encodeQueueMessage } from '../queue-encoding';

export interface QueueEnvelope {
  attributes: Record<string, string>;
  body: Record<string, unknown>;
}

export interface AzureBusNames {
  /** Logical queue name -> storage queue name. */
  queues: Record<string, string>;
  /** Logical topic name -> a publisher for that custom topic. */
  topics: Record<string, EventGridPublisherClient<'EventGrid'>>;
}

export class AzureMessageBus implements MessageBus {
  constructor(
    private readonly queues: QueueServiceClient,
    private readonly names: AzureBusNames,
  ) {}

  async send(queue: string, message: Record<string, unknown>, options: SendOptions): Promise<void> {
    const name = this.names.queues[queue];
    if (!name) throw new Error(`no storage queue is configured for ${JSON.stringify(queue)}`);
    const envelope: QueueEnvelope = { attributes: { ...options.attributes, order_id: options.dedupKey }, body: message };
    await this.queues.getQueueClient(name).sendMessage(encodeQueueMessage(JSON.stringify(envelope)));
  }

  async publish(topic: string, event: Record<string, unknown>, options: PublishOptions): Promise<void> {
    const client = this.names.topics[topic];
    if (!client) throw new Error(`no Event Grid topic is configured for ${JSON.stringify(topic)}`);
    const eventType = options.attributes.event_type;
    if (!eventType) throw new Error('an event needs the event_type attribute (its Event Grid eventType)');
    const orderId = options.attributes.order_id ?? String(event.order_id ?? '');
    await client.send([
      { id: randomUUID(), eventType, subject: `orders/${orderId}`, dataVersion: '1.0', eventTime: new Date(), data: event },
    ]);
  }
}
