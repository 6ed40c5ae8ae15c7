/**
 * What the host indexes for each function of the app (name, trigger and its bindings), apart from
 * the function's code: the entry (./index.ts) registers all three when the worker starts the app,
 * and each function's module (./images.ts, ./users.ts, ./orders.ts, with its SDKs) is required
 * only when that function is first invoked. A function app is one package, but Flex Consumption
 * scales HTTP, Event Grid (blob) and every other trigger on instances of their own
 * (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#per-function-scaling),
 * so an instance mostly serves one of the three: it should compile and run that one's code only.
 * scripts/package/azure.ts builds each function's module into a file of its own for this.
 */
import { app, trigger, type HttpHandler, type HttpMethod, type InvocationContext, type Timer } from '@azure/functions';
import { ALLOWED_METHODS } from '../../handlers/users/routes';
import { azureEnvironment, azureOptionalSettings, ordersQueueConnection } from './environment';
import type { ImagesOutcome } from './images';
import type { OrderResult } from '../../handlers/orders';
import type { SweepResult } from '../../handlers/orders/sweeper';

/** With host.json `routePrefix: ""` the paths are `/users` and `/users/{id}` as on every cloud. */
export const USERS_ROUTE = 'users/{id?}';
/** The API's description (GET /openapi.json): a trigger of its own because `users/{id?}` cannot match it. */
export const OPENAPI_ROUTE = 'openapi.json';
/**
 * The routes below a user (`/users/{id}/uploads`, `/users/{id}/images[/{name}]`): a second trigger
 * with a catch-all, so that the first keeps its exact template. The core matches the path itself.
 * https://learn.microsoft.com/azure/azure-functions/functions-bindings-http-webhook-trigger#customize-the-http-endpoint
 */
export const USER_IMAGES_ROUTE = 'users/{id}/{*rest}';
/** The outbox sweeper's timer function (./outbox-sweep.ts). */
export const OUTBOX_SWEEP_FUNCTION = 'outboxSweep';
/**
 * Every method some route of the core answers (HEAD and OPTIONS included), taken from the core so
 * that a method it adds is not refused by the host with a bare 404 before the core can answer it.
 */
export const USERS_METHODS: readonly HttpMethod[] = [...new Set(Object.values(ALLOWED_METHODS).flat())] as HttpMethod[];

export type AuthLevel = 'anonymous' | 'function' | 'admin';
const AUTH_LEVELS: readonly AuthLevel[] = ['anonymous', 'function', 'admin'];

/**
 * The users trigger's authLevel from USERS_AUTH_LEVEL: `anonymous` when unset (authorisation is
 * the core's, JWT); throws on anything else but the three.
 */
export function usersAuthLevel(env: Record<string, string | undefined> = process.env): AuthLevel {
  const name = azureOptionalSettings.usersAuthLevel;
  const value = env[name]?.trim();
  if (!value) return 'anonymous';
  const level = AUTH_LEVELS.find((l) => l === value.toLowerCase());
  if (!level) throw new Error(`app setting ${name} must be one of ${AUTH_LEVELS.join(', ')}; got ${JSON.stringify(env[name])}`);
  return level;
}

/** Each function's handler, from its module, loaded when first called. */
export interface FunctionModules {
  images(): { imagesHandler(event: unknown, context: InvocationContext): Promise<ImagesOutcome> };
  users(): { usersHandler: HttpHandler };
  orders(): {
    ordersHandler(item: unknown, context: InvocationContext): Promise<OrderResult | undefined>;
    outboxSweepHandler(timer: Timer, context: InvocationContext): Promise<SweepResult>;
  };
}

export function registerFunctions(modules: FunctionModules): void {
  // An Event Grid subscription targets it as an Azure Function endpoint (./images.ts says why).
  app.eventGrid('images', { handler: (event, context) => modules.images().imagesHandler(event, context) });
  app.http('users', {
    route: USERS_ROUTE,
    methods: [...USERS_METHODS],
    authLevel: usersAuthLevel(),
    handler: (request, context) => modules.users().usersHandler(request, context),
  });
  app.http('user-images', {
    route: USER_IMAGES_ROUTE,
    methods: [...USERS_METHODS],
    authLevel: usersAuthLevel(),
    handler: (request, context) => modules.users().usersHandler(request, context),
  });
  /**
   * `app.storageQueue` with one more binding property, which its options type does not offer:
   * `dataType: 'binary'` makes the host send the message as bytes, so the handler gets the text as
   * queued instead of the library's `JSON.parse` of it, and a poison letter keeps the original
   * (events/queue-message.ts). A generic trigger is the way the library's maintainers give for
   * setting `dataType` in the v4 model (Azure/azure-functions-nodejs-library#72); the binding is
   * otherwise the one `app.storageQueue` registers (`type: 'queueTrigger'`, queueName, connection).
   */
  // The API's description, answered by the same core; the same authLevel: the stack's gate covers the whole API.
  app.http('openapi', {
    route: OPENAPI_ROUTE,
    methods: [...ALLOWED_METHODS['/openapi.json']] as HttpMethod[],
    authLevel: usersAuthLevel(),
    handler: (request, context) => modules.users().usersHandler(request, context),
  });
  app.generic('orders', {
    trigger: trigger.generic({
      type: 'queueTrigger',
      queueName: `%${azureEnvironment.orders.ordersQueue}%`,
      connection: ordersQueueConnection,
      dataType: 'binary',
    }),
    handler: (item, context) => modules.orders().ordersHandler(item, context),
  });
  // NCRONTAB from the ORDERS_SWEEP_SCHEDULE app setting, a `%name%` expression the host resolves
  // (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions).
  app.timer(OUTBOX_SWEEP_FUNCTION, {
    schedule: `%${azureEnvironment.orders.sweepSchedule}%`,
    handler: (timer, context) => modules.orders().outboxSweepHandler(timer, context),
  });
}
