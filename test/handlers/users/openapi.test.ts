/**
 * openapi.json: current with the schemas it is generated from, a valid OpenAPI 3.1 description
 * (checked by @seriousme/openapi-schema-validator against the OpenAPI Initiative's schema, and each
 * Schema Object compiled by Ajv in draft 2020-12 strict mode, which that schema leaves out), served
 * by the core at GET /openapi.json without a token, and strict enough that the traffic checker
 * refuses answers it does not allow.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { openApiDocument } from '../../../handlers/users/openapi';
import { ALLOWED_METHODS } from '../../../handlers/users/routes';
import { openApiPath, openApiText } from '../../../scripts/openapi';
import type { HttpRequest, HttpResponse } from '../../../handlers/events';
import { checkExchange, openApi } from '../../support/openapi-traffic';
import { bodyOf, harness } from './harness';

type Json = Record<string, unknown>;

/** Every Schema Object of the description: components.schemas and each `schema` member. */
function schemaObjects(node: unknown, at = '#', found: [string, Json][] = []): [string, Json][] {
  if (typeof node !== 'object' || node === null) return found;
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === 'schema' && typeof value === 'object') found.push([`${at}/${key}`, value as Json]);
    else if (at === '#/components/schemas') found.push([`${at}/${key}`, value as Json]);
    else schemaObjects(value, `${at}/${key}`, found);
  }
  return found;
}

describe('users API: openapi.json', () => {
  it('is the committed copy of what the schemas generate (run npm run openapi when this fails)', () => {
    expect(readFileSync(openApiPath, 'utf8')).to.equal(openApiText());
  });

  it('is a valid OpenAPI 3.1 description, and a broken one is refused', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(structuredClone(openApi));
    expect(result.errors, JSON.stringify(result.errors)).to.equal(undefined);
    expect([result.valid, validator.version]).to.deep.equal([true, '3.1']);
    const broken = structuredClone(openApi) as { paths: Record<string, Json> };
    // a response without its description, which OpenAPI 3.1 requires
    delete ((broken.paths['/users'].get as { responses: Record<string, Json> }).responses['200'] as Json).description;
    expect((await new Validator().validate(broken)).valid).to.equal(false);
  });

  it('holds only Schema Objects that Ajv compiles in draft 2020-12 strict mode', () => {
    const ajv = new Ajv2020({ strict: true });
    addFormats(ajv);
    const inDefs = (schema: unknown): Json => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"#/$defs/'));
    const defs = inDefs(openApi.components.schemas);
    const found = schemaObjects(openApi);
    expect(found.length).to.be.greaterThan(10);
    for (const [where, schema] of found) {
      // $refs point into the document's components: carried along as $defs
      const compiled = { ...inDefs(schema), $defs: defs };
      try {
        ajv.compile(compiled);
      } catch (err) {
        expect.fail(`${where}: ${String(err)}`);
      }
    }
    expect(() => ajv.compile({ type: 'strin' }), 'a typo is refused').to.throw();
  });

  it('describes every route and method the core answers', () => {
    const described = Object.fromEntries(
      Object.entries(openApi.paths as Record<string, Json>).map(([p, item]) => [p.replace('{userId}', '{id}'), Object.keys(item).map((m) => m.toUpperCase()).sort()]),
    );
    const answered = Object.fromEntries(Object.entries(ALLOWED_METHODS).map(([p, methods]) => [p, [...methods].sort()]));
    expect(described).to.deep.equal(answered);
  });

  it('is served at GET /openapi.json without a token, even on a stack with a JWT issuer', async () => {
    const h = harness({ jwtIssuer: 'https://issuer.example', jwtAudience: 'users' });
    const res = await h.call({ method: 'GET', path: '/openapi.json' });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/json');
    expect(bodyOf(res)).to.deep.equal(openApiDocument());
    const head = await h.call({ method: 'HEAD', path: '/openapi.json' });
    expect([head.status, head.body]).to.deep.equal([200, undefined]);
    expect((await h.call({ method: 'POST', path: '/openapi.json', json: {} })).status).to.equal(405);
    expect((await h.call({ method: 'GET', path: '/users' })).status, 'the users still need one').to.equal(401);
  });

  describe('the traffic check refuses what the description does not allow', () => {
    const get: HttpRequest = { method: 'GET', path: '/users/u1', query: {}, headers: {} };
    const user = { user_id: 'u1', name: 'Ada', email: 'ada@example.com', created_at: '2026-01-02T03:04:05.000Z', updated_at: '2026-01-02T03:04:05.000Z', version: 1 };
    const ok: HttpResponse = { status: 200, headers: { 'content-type': 'application/json', etag: '"v1"' }, body: JSON.stringify(user) };

    it('lets a described answer through', async () => {
      await checkExchange(get, ok);
    });

    const broken: [string, HttpRequest, HttpResponse, RegExp][] = [
      ['a field the record does not have', get, { ...ok, body: JSON.stringify({ ...user, password: 'x' }) }, /additional properties/],
      ['a version that is not an integer', get, { ...ok, body: JSON.stringify({ ...user, version: '1' }) }, /version/],
      ['a record without its ETag', get, { ...ok, headers: { 'content-type': 'application/json' } }, /header ETag is required/],
      ['a malformed ETag', get, { ...ok, headers: { ...ok.headers, etag: 'v1' } }, /header ETag/],
      ['another media type', get, { ...ok, headers: { ...ok.headers, 'content-type': 'text/plain' } }, /content-type text\/plain/],
      ['a status the operation does not have', get, { status: 418, headers: { 'content-type': 'application/problem+json' }, body: '{"type":"about:blank","title":"x","status":418}' }, /418/],
      ['a problem without its title', get, { status: 404, headers: { 'content-type': 'application/problem+json' }, body: '{"type":"about:blank","status":404}' }, /title/],
      ['a 500 problem without its status', get, { status: 500, headers: { 'content-type': 'application/problem+json' }, body: '{"type":"about:blank","title":"Internal Server Error"}' }, /status/],
      ['a 201 without Location', { ...get, method: 'POST', path: '/users', headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode('{"name":"Ada","email":"ada@example.com"}') } , { ...ok, status: 201 }, /Location is required/],
      ['a request it refuses, accepted', { ...get, path: '/users', query: { limit: '0' } } , { status: 200, headers: { 'content-type': 'application/json' }, body: '{"users":[],"count":0}' }, /refuses the request/],
      ['an answer to a route it lacks', { ...get, path: '/users/u1/avatar' }, ok, /refuses the request/],
    ];
    for (const [what, request, response, reason] of broken) {
      it(`refuses ${what}`, async () => {
        const error = await checkExchange(request, response).then(() => undefined, (err: Error) => err);
        expect(error, 'refused').to.be.instanceOf(Error);
        expect(error!.message).to.match(reason);
      });
    }
  });
});
