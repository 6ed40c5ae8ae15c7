/**
 * `npm start`: the three functions on this machine. Serves HTTP on 127.0.0.1, runs the images
 * and orders functions over their durable local queues, and shuts down cleanly on SIGINT or
 * SIGTERM: deliveries in flight get a grace period, then go back to the queue, so a restart
 * continues where this run stopped.
 */
import { once } from 'node:events';
import { SettingsError } from '../../handlers/settings';
import { imagesSpec, ordersSpec } from '../../handlers/specs';
import { localQueues, readLocalConfig, usage, UsageError } from './environment';
import { imagesEntry } from './images';
import { createLogger } from './logging';
import { ordersEntry } from './orders';
import { OutboxSweepTimer, sweepIntervalMs } from './outbox-sweep';
import { seed } from './seed';
import { createLocalServer, endpoints } from './server';
import { databaseFile, wireLocal } from './wiring';
import { QueueWorker } from './worker';

/** How long deliveries in flight may finish after a stop signal before they are returned. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = readLocalConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${usage}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  let ports;
  try {
    ports = wireLocal(config, logger);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  if (config.seed) {
    const added = await seed(ports);
    logger.info('seeded demo data', added);
  }

  const retry = { backoffMs: config.retryBaseMs, maxBackoffMs: config.retryMaxMs, logger };
  const images = imagesEntry(ports);
  const orders = ordersEntry(ports);
  const workers = [
    new QueueWorker({
      function: 'images',
      queue: ports.queue(localQueues.images),
      handle: images.handle,
      envelope: images.envelope,
      // sharp decodes on libuv's thread pool (4 threads by default): two at once keep the server responsive
      concurrency: 2,
      timeoutMs: imagesSpec.timeoutSeconds * 1000,
      visibilityMs: config.visibilityMs ?? imagesSpec.timeoutSeconds * 2000,
      maxReceives: config.imagesMaxDeliveries,
      ...retry,
    }),
    new QueueWorker({
      function: 'orders',
      queue: ports.queue(localQueues.orders),
      handle: orders.handle,
      envelope: orders.envelope,
      concurrency: 8,
      timeoutMs: ordersSpec.timeoutSeconds * 1000,
      visibilityMs: config.visibilityMs ?? ordersSpec.timeoutSeconds * 2000,
      maxReceives: ports.settings.orders.maxDeliveries,
      ...retry,
    }),
  ];

  // relays what a bus outage left pending, without the original message (handlers/orders/sweeper.ts)
  const sweeper = new OutboxSweepTimer(ports, sweepIntervalMs(config.env));

  const server = createLocalServer(ports, { maxConcurrentUploads: config.maxConcurrentUploads });
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const base = `http://${config.host}:${config.port}`;
  const lines = [`multicloud-functions local: ${base}  (data: ${databaseFile(config.dataDir)})`];
  for (const [method, rest] of endpoints) lines.push(`  ${method.padEnd(9)} ${base}${rest}`);
  process.stdout.write(lines.join('\n') + '\n');
  for (const worker of workers) worker.start();
  sweeper.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // a second Ctrl-C: the user does not want to wait; unfinished messages reappear after their visibility timeout
      process.exit(130);
    }
    stopping = true;
    logger.info('shutting down', { signal, in_flight: workers.reduce((n, w) => n + w.busy, 0) });
    // requests already being answered (an upload mid-write) finish before the database closes
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    await Promise.all([Promise.race([serverClosed, grace]), ...workers.map((w) => w.stop(SHUTDOWN_GRACE_MS)), sweeper.stop()]);
    ports.close();
    logger.info('stopped', { signal });
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
