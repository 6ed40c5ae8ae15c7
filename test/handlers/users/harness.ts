/**
 * Builds the users API over the in-memory repository, with a settable clock and predictable ids.
 * Every call's request and answer are checked against openapi.json (test/support/openapi-traffic.ts).
 */
import { createUsersApi, type UsersDeps } from '../../../handlers/users';
import type { HttpRequest, HttpResponse } from '../../../handlers/events';
import type { LogFields, Logger } from '../../../handlers/ports/logger';
import { usersSpec, type UsersSettings } from '../../../handlers/specs';
import { MemoryUserRepository } from '../../support/memory';
import { checkExchange } from '../../support/openapi-traffic';

export interface LogLine extends LogFields {
  level: string;
  msg: string;
}

export function recordingLogger(lines: LogLine[], base: LogFields = {}): Logger {
  const emit = (level: string) => (msg: string, fields?: LogFields) => lines.push({ level, msg, ...base, ...fields });
  return { info: emit('info'), warn: emit('warn'), error: emit('error'), child: (f) => recordingLogger(lines, { ...base, ...f }) };
}

export interface Harness {
  call(request: Partial<HttpRequest> & { method: string; path: string; json?: unknown }): Promise<HttpResponse>;
  repo: MemoryUserRepository;
  logs: LogLine[];
  /** Moves the clock to this instant. */
  setNow(iso: string): void;
}

export function harness(settings: Partial<UsersSettings> = {}, deps: Partial<UsersDeps> = {}): Harness {
  const repo = new MemoryUserRepository();
  const logs: LogLine[] = [];
  let now = new Date('2026-01-02T03:04:05.000Z');
  let next = 0;
  const api = createUsersApi(
    {
      users: repo,
      clock: { now: () => now },
      ids: { newId: () => `u${String(++next).padStart(4, '0')}` },
      logger: recordingLogger(logs),
      ...deps,
    },
    { ...usersSpec.settings, ...settings },
  );
  return {
    repo,
    logs,
    setNow: (iso) => (now = new Date(iso)),
    call: ({ json, ...request }) => {
      const headers: Record<string, string> = { ...(request.headers ?? {}) };
      let body = request.body;
      if (json !== undefined) {
        body = new TextEncoder().encode(JSON.stringify(json));
        headers['content-type'] ??= 'application/json';
      }
      const sent: HttpRequest = { query: {}, ...request, headers, body };
      // Every exchange is checked against openapi.json: an answer it does not allow fails the test.
      return api(sent).then(async (response) => {
        await checkExchange(sent, response);
        return response;
      });
    },
  };
}

/** The parsed JSON body of a response. */
export function bodyOf(response: HttpResponse): Record<string, unknown> {
  return JSON.parse(response.body ?? 'null') as Record<string, unknown>;
}

/** Creates a user through the API and returns its record. */
export async function created(h: Harness, name: string, email: string): Promise<Record<string, unknown>> {
  const res = await h.call({ method: 'POST', path: '/users', json: { name, email } });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.body}`);
  return bodyOf(res);
}
