/** The framework's Express request -> HttpRequest, and HttpResponse -> the Express response. */
import { expect } from 'chai';
import { httpRequestFromFramework, writeFrameworkResponse, type FrameworkResponse } from '../../../../adapters/gcp/events/http';

function recorder() {
  const written: { status?: number; headers: Record<string, string | string[]>; body?: string; ended: boolean } = { headers: {}, ended: false };
  const res: FrameworkResponse = {
    status: (code) => (written.status = code),
    setHeader: (name, value) => (written.headers[name] = value),
    end: (body) => {
      written.body = body;
      written.ended = true;
    },
  };
  return { res, written };
}

describe('GCP http translator', () => {
  it('decodes the path once, keeps the first of repeated query values, joins headers, passes the raw body', () => {
    const request = httpRequestFromFramework({
      method: 'post',
      url: '/ignored',
      originalUrl: '/users/a%20b%2525?limit=2&limit=9&q=%C3%BC',
      headers: { 'content-type': 'application/json', 'x-many': ['1', '2'], cookie: ['a=1', 'b=2'], 'x-cloud-trace-context': 'abc123/1;o=1' },
      rawBody: Buffer.from('{"x":1}'),
    });
    expect(request).to.deep.equal({
      method: 'POST',
      path: '/users/a b%25',
      query: { limit: '2', q: 'ü' },
      headers: { 'content-type': 'application/json', 'x-many': '1, 2', cookie: 'a=1; b=2', 'x-cloud-trace-context': 'abc123/1;o=1' },
      body: new Uint8Array(Buffer.from('{"x":1}')),
      requestId: 'abc123',
    });
  });

  it('takes the W3C trace id first, and leaves out an empty body', () => {
    const request = httpRequestFromFramework({
      method: 'GET',
      url: '/users',
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      rawBody: Buffer.alloc(0),
    });
    expect(request.requestId).to.equal('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(request).to.not.have.property('body');
  });

  it('reads a path starting with // as a path (not a host), so the core can answer 404', () => {
    for (const url of ['//users', '//[bad', '///users/a?limit=2']) {
      const request = httpRequestFromFramework({ method: 'GET', originalUrl: url, url, headers: {} });
      expect(request.path, url).to.equal(url.split('?')[0]);
    }
    expect(httpRequestFromFramework({ method: 'GET', url: '///users/a?limit=2&limit=3', headers: {} }).query).to.deep.equal({ limit: '2' });
  });

  it('writes status, headers, cookies and body; 204 and 304 without a body', () => {
    const ok = recorder();
    writeFrameworkResponse(ok.res, { status: 200, headers: { etag: '"v1"' }, cookies: ['a=1', 'b=2'], body: '{}' });
    expect(ok.written).to.deep.equal({ status: 200, headers: { etag: '"v1"', 'set-cookie': ['a=1', 'b=2'] }, body: '{}', ended: true });
    for (const status of [204, 304]) {
      const empty = recorder();
      writeFrameworkResponse(empty.res, { status, headers: {}, body: 'should not be sent' });
      expect(empty.written.body, String(status)).to.equal(undefined);
      expect(empty.written.ended).to.equal(true);
    }
  });

  it('answers HEAD with the status and headers only, whatever body the core left', () => {
    for (const method of ['HEAD', 'head']) {
      const head = recorder();
      writeFrameworkResponse(head.res, { status: 200, headers: { etag: '"v1"', 'content-type': 'application/json' }, body: '{"user_id":"u"}' }, method);
      expect(head.written).to.deep.equal({ status: 200, headers: { etag: '"v1"', 'content-type': 'application/json' }, body: undefined, ended: true });
    }
    const get = recorder();
    writeFrameworkResponse(get.res, { status: 200, headers: {}, body: '{}' }, 'GET');
    expect(get.written.body).to.equal('{}');
  });
});
