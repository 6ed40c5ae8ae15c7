/**
 * Child process of the local-host benchmark: the GCP users entry (`createUsersFunction` from
 * adapters/gcp/users.ts) served by Google's Functions Framework server (Express and its
 * middleware, as `functions-framework --target` builds it), over the SAME local SQLite store as
 * `npm start`, so that the two figures differ only by the host in front of the handler.
 *
 * Usage: node -r tsx/cjs bench/functions-framework-users.ts PORT DATA_DIR
 */
import * as functions from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { createLogger } from '../adapters/local/logging';
import { wireLocal } from '../adapters/local/wiring';
import { createUsersFunction } from '../adapters/gcp/users';
import { createUsersApi } from '../handlers/users';

const [port, dataDir] = process.argv.slice(2);
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', false);
const ports = wireLocal({ dataDir, env: process.env }, logger);
const api = createUsersApi({ users: ports.users, clock: ports.clock, ids: ports.ids, logger: logger.child({ function: 'users' }) }, ports.settings.users);
functions.http('users-on-sqlite', createUsersFunction(() => ({ api, logger })));
getTestServer('users-on-sqlite').listen(Number(port), '127.0.0.1');
