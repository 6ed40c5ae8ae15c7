/** An in-memory MessageBus that keeps what was sent, for unit tests of the core (not shipped). */
import type { MessageBus, PublishOptions, SendOptions } from '../../../handlers/ports/message-bus';

export interface SentMessage {
  queue: string;
  message: Record<string, unknown>;
  options: SendOptions;
}
export interface PublishedEvent {
  topic: string;
  event: Record<string, unknown>;
  options: PublishOptions;
}

export class MemoryMessageBus implements MessageBus {
  readonly sent: SentMessage[] = [];
  readonly published: PublishedEvent[] = [];

  async send(queue: string, message: Record<string, unknown>, options: SendOptions) {
    this.sent.push({ queue, message, options });
  }

  async publish(topic: string, event: Record<string, unknown>, options: PublishOptions) {
    this.published.push({ topic, event, options });
  }
}
