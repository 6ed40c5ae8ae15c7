/**
 * DeadLetterSink on a Pub/Sub topic: the same topic the orders push subscription dead-letters to,
 * so a letter the function writes (a permanent failure) and one Pub/Sub forwards (too many
 * deliveries) end in one place. Pub/Sub forwards the original message untouched; ours carry the
 * envelope of `handlers/ports/dead-letters.ts` as JSON, marked by the `function` attribute.
 */
import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { DeadLetter, DeadLetterSink } from '../../../handlers/ports/dead-letters';

/** Pub/Sub attribute values are at most 1,024 bytes (https://cloud.google.com/pubsub/quotas#resource_limits). */
const MAX_ATTRIBUTE_CHARS = 256;

export class PubSubDeadLetters implements DeadLetterSink {
  private readonly topic: Topic;

  constructor(pubsub: PubSub, topicName: string) {
    this.topic = pubsub.topic(topicName, { batching: { maxMessages: 1 } });
  }

  async record(letter: DeadLetter): Promise<void> {
    await this.topic.publishMessage({
      json: letter,
      attributes: { function: letter.function, reason: letter.reason.slice(0, MAX_ATTRIBUTE_CHARS) },
    });
  }
}
