/**
 * The function app's entry (package.json `main`): one app hosting the three functions. It
 * registers their triggers (./triggers.ts) and nothing else: each function's module, with the
 * SDKs it uses, is required on that function's first invocation, so that an instance started for
 * users never compiles the orders or images code. In the package each module is a file of its
 * own (scripts/package/azure.ts maps these requires to `./functions/<name>.js`).
 */
import { registerFunctions } from './triggers';

/* eslint-disable @typescript-eslint/no-require-imports */
registerFunctions({
  images: () => require('./images') as typeof import('./images'),
  users: () => require('./users') as typeof import('./users'),
  orders: () => require('./orders') as typeof import('./orders'),
});
/* eslint-enable @typescript-eslint/no-require-imports */
