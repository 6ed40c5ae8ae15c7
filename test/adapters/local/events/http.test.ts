/** Node's request to the neutral HttpRequest and back: decoding, headers, query, bodiless statuses. */
import { expect } from 'chai';
import { MalformedRequestError, toHttpRequest, toNodeResponse } from '../../../../adapters/local/events/http';

describe('local HTTP translation', () => {
  it('decodes the path once, keeps the first of repeated query values, lower-cases and joins headers', () => {
    const request = toHttpRequest({
      method: 'patch',
      url: '/users/a%2520b%2Fc?limit=5&limit=9&cursor=x%2By',
      rawHeaders: ['Content-Type', 'application/json', 'X-Tag', 'one', 'x-tag', 'two', 'Cookie', 'a=1', 'cookie', 'b=2'],
      body: Buffer.from('{"name":"Ada"}'),
      requestId: 'req-1',
    });
    expect(request).to.deep.equal({
      method: 'PATCH',
      // %25 decodes to "%" once, not further; %2F becomes "/" (the gateways do the same)
      path: '/users/a%20b/c',
      query: { limit: '5', cursor: 'x+y' },
      headers: { 'content-type': 'application/json', 'x-tag': 'one, two', cookie: 'a=1; b=2' },
      body: Buffer.from('{"name":"Ada"}'),
      requestId: 'req-1',
    });
  });

  it('leaves out an empty body', () => {
    expect(toHttpRequest({ method: 'GET', url: '/users', rawHeaders: [], body: Buffer.alloc(0) })).to.not.have.property('body');
  });

  it('refuses a path that is not valid percent-encoding', () => {
    expect(() => toHttpRequest({ method: 'GET', url: '/users/%E0%A4%A', rawHeaders: [] })).to.throw(MalformedRequestError);
  });

  it('sends cookies as separate set-cookie values and no body with a 204 or 304', () => {
    expect(toNodeResponse({ status: 200, headers: { 'content-type': 'application/json' }, cookies: ['a=1', 'b=2'], body: '{}' })).to.deep.equal({
      status: 200,
      headers: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] },
      body: '{}',
    });
    expect(toNodeResponse({ status: 204, headers: {}, body: 'ignored' })).to.deep.equal({ status: 204, headers: {} });
    expect(toNodeResponse({ status: 304, headers: { etag: '"v2"' }, body: 'x' })).to.deep.equal({ status: 304, headers: { etag: '"v2"' } });
  });
});
