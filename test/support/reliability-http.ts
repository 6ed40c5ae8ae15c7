/**
 * Malformed HTTP requests for the users API, as fast-check arbitraries, and the one check every
 * answer must pass: never a 5xx, never a crash, and every 4xx is application/problem+json whose
 * `status` repeats the answer's. A malformed request may by chance be valid (a GET of an unknown
 * user): a 2xx or 3xx is then allowed, and counted apart.
 */
import { expect } from 'chai';
import fc from 'fast-check';

export interface RawRequest {
  method: string;
  /** The path as sent: may hold `%` escapes that decode to nonsense or not at all. */
  path: string;
  query: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

const methods = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'BREW', 'get');

const paths = fc.oneof(
  fc.constantFrom('/users', '/users/', '/users//x', '/users/%', '/users/%zz', '/users/%00', '/users/%2F..%2F', '/users/a/b', '/', '/users/..', '/USERS'),
  fc.string({ maxLength: 60 }).map((s) => `/users/${encodeURIComponent(s)}`),
  fc.string({ maxLength: 40, unit: 'grapheme' }).map((s) => `/users/${s.replace(/[?#\s]/g, '_')}`),
  fc.stringMatching(/^\/[a-z%0-9/.]{0,30}$/),
  fc.string({ minLength: 2000, maxLength: 3000 }).map((s) => `/users/${encodeURIComponent(s).slice(0, 2500)}`),
);

const headerValue = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', '', '*/*', 'application/json;;;'),
  fc.stringMatching(/^[\x20-\x7e]{0,80}$/),
);

const headers = fc.record(
  {
    'content-type': headerValue,
    'if-match': fc.oneof(fc.constantFrom('*', '"v1"', 'W/"v1"', '"', '"v-1", "v2"', ''), fc.stringMatching(/^[\x20-\x7e]{0,30}$/)),
    'if-none-match': fc.constantFrom('*', '"v1"', 'garbage'),
    'content-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x-unknown'),
    authorization: fc.constantFrom('Bearer', 'Bearer x.y.z', 'Basic Zm9vOmJhcg=='),
  },
  { requiredKeys: [] },
);

const jsonish = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.record({ name: fc.anything({ maxDepth: 2 }), email: fc.anything({ maxDepth: 2 }) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.constantFrom('{"name":"A","email":"a@example.com"', '{"name":"A","email":"a@example.com","extra":1}', '{"__proto__":{"x":1}}', 'null', '[]', '"x"', '1e999'),
);

const bodies: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: jsonish.map((s) => new TextEncoder().encode(s)), weight: 6 },
  { arbitrary: fc.uint8Array({ maxLength: 300 }), weight: 3 },
  // invalid UTF-8 and a UTF-16 BOM
  { arbitrary: fc.constantFrom(Uint8Array.from([0xff, 0xfe, 0x7b, 0x00]), Uint8Array.from([0xc3, 0x28]), Uint8Array.from([0xed, 0xa0, 0x80])), weight: 1 },
  // past the size the core accepts (bodies of a user are small)
  {
    arbitrary: fc.integer({ min: 100_000, max: 1_200_000 }).map((n) => new TextEncoder().encode(`{"name":"${'x'.repeat(n)}","email":"a@example.com"}`)),
    weight: 1,
  },
);

const queries = fc.oneof(fc.constant(''), fc.constantFrom('limit=0', 'limit=-1', 'limit=abc', 'limit=1e9', 'cursor=%%%', 'cursor=abc&cursor=def', 'limit=2&cursor='));

export const malformedRequests: fc.Arbitrary<RawRequest> = fc.record({ method: methods, path: paths, query: queries, headers, body: bodies });

export interface Answer {
  status: number;
  contentType?: string;
  body?: string;
}

/** The check every answer passes; returns whether it was an error answer. */
export function expectSafeAnswer(answer: Answer, request: RawRequest): boolean {
  const what = `${request.method} ${request.path.slice(0, 80)}?${request.query} -> ${answer.status} ${answer.body?.slice(0, 200)}`;
  expect(answer.status, what).to.be.at.least(200).and.below(500);
  if (answer.status < 400) return false;
  expect(answer.contentType ?? '', what).to.match(/^application\/problem\+json/);
  // an answer to HEAD carries the headers of the GET answer and no body (RFC 9110, 9.3.2)
  if (request.method === 'HEAD' && !answer.body) return true;
  const problem = JSON.parse(answer.body ?? '') as { status?: number; title?: string };
  expect(problem.status, what).to.equal(answer.status);
  expect(problem.title, what).to.be.a('string');
  return true;
}

/** Fails the current test if anything rejects unhandled while `work` runs. */
export async function withoutUnhandledRejections<T>(work: () => Promise<T>): Promise<T> {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', listener);
  try {
    const result = await work();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.map(String), 'unhandled rejections').to.deep.equal([]);
    return result;
  } finally {
    process.off('unhandledRejection', listener);
  }
}
