/**
 * The orders entry point: an HTTP function (target `orders`) that receives Pub/Sub push
 * deliveries from a subscription we own, because that subscription carries the dead-letter
 * policy, retry backoff and ack deadline we choose (the one an Eventarc trigger creates is
 * managed by Eventarc). It also accepts the `messagePublished` CloudEvent, so an Eventarc
 * trigger works too.
 *
 * A 2xx acknowledges; any other status makes Pub/Sub redeliver, and after the subscription's
 * maximum delivery attempts Pub/Sub forwards the message to the dead-letter topic
 * (https://cloud.google.com/pubsub/docs/push#receive_push). A permanent failure is published to
 * that topic at once, with its reason, and acknowledged.
 *
 * The outbox sweeper's Cloud Scheduler job POSTs SWEEP_REQUEST to the same URL, with an OIDC token
 * Cloud Run checks before the function runs (infra/gcp/outbox-sweeper.ts); a push delivery never
 * has that shape (its JSON is `{message, subscription}`). The sweep answers 200 with its counts,
 * or 500 when it fails (the next scheduled run tries again).
 */
import * as functions from '@google-cloud/functions-framework';
import type { HttpFunction } from '@google-cloud/functions-framework';
import { onFailure } from '../../handlers/delivery';
import type { QueueMessage } from '../../handlers/events';
import { processOrder } from '../../handlers/orders';
import { ordersDeadLetter } from '../../handlers/orders/dead-letter';
import { isSweepRequest, sweepOutbox } from '../../handlers/orders/sweeper';
import { queueMessageFromPush } from './events/queue-message';
import { ordersRuntime, type OrdersRuntime } from './wiring';

/** The status that makes Pub/Sub redeliver (any non-2xx does). */
export const REDELIVER_STATUS = 503;

export function createOrdersFunction(runtime: () => OrdersRuntime): HttpFunction {
  return async (req, res) => {
    const { deps, settings, deadLetters } = runtime();
    if (isSweepRequest(req.body)) {
      try {
        res.status(200).json(await sweepOutbox(deps, settings));
      } catch (err) {
        deps.logger.error('outbox sweep failed; the next run tries again', { reason: onFailure(err).reason });
        res.status(500).end();
      }
      return;
    }
    let message: QueueMessage | undefined;
    let logger = deps.logger;
    try {
      message = queueMessageFromPush({ headers: req.headers, body: req.body ?? req.rawBody });
      logger = logger.child({ correlation_id: message.id });
      // the core writes the one log line of a processed order
      await processOrder(message, { ...deps, logger }, settings);
      res.status(204).end();
    } catch (err) {
      const failure = onFailure(err);
      // The last delivery the subscription allows (its maxDeliveryAttempts is maxDeliveries; Pub/Sub
      // reports deliveryAttempt only under a dead-letter policy): dead-letter here, with the state.
      if (failure.action === 'retry' && (message?.attempts ?? 1) < settings.maxDeliveries) {
        logger.error('order failed; Pub/Sub will redeliver', { reason: failure.reason, attempts: message?.attempts });
        res.status(REDELIVER_STATUS).end();
        return;
      }
      const body = message?.body ?? req.rawBody?.toString('utf8') ?? '';
      // If this publish fails, the error escapes: a 500, and Pub/Sub redelivers the message.
      await deadLetters.record(await ordersDeadLetter(deps.ledger, body, failure.reason, message?.attempts ?? 1, deps.clock.now()));
      logger.warn('order dead-lettered', { reason: failure.reason });
      res.status(204).end();
    }
  };
}

functions.http('orders', createOrdersFunction(ordersRuntime));
