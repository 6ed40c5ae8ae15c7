import { expect } from 'chai';
import { created, harness } from './harness';

const corsHeaderNames = (headers: Record<string, string>) => Object.keys(headers).filter((h) => h.startsWith('access-control-'));
const preflight = (origin: string, path = '/users/u0001') => ({
  method: 'OPTIONS',
  path,
  headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, content-type' },
});

describe('users API: CORS', () => {
  it('sends no CORS header at all when no origin is configured', async () => {
    const h = harness({ corsOrigins: [] });
    await created(h, 'Ada', 'ada@example.com');
    const res = await h.call({ method: 'GET', path: '/users/u0001', headers: { origin: 'https://app.example' } });
    expect(res.status).to.equal(200);
    expect(corsHeaderNames(res.headers)).to.deep.equal([]);
    expect(res.headers).to.not.have.property('vary');
  });

  it('reflects a listed origin with Vary: Origin on answers and on problems', async () => {
    const h = harness({ corsOrigins: ['https://app.example', 'https://admin.example'] });
    await created(h, 'Ada', 'ada@example.com');
    for (const [path, status] of [['/users/u0001', 200], ['/users/nobody', 404], ['/nowhere', 404]] as const) {
      const res = await h.call({ method: 'GET', path, headers: { origin: 'https://admin.example' } });
      expect(res.status, path).to.equal(status);
      expect(res.headers, path).to.include({
        'access-control-allow-origin': 'https://admin.example',
        vary: 'Origin',
        'access-control-expose-headers': 'etag, location',
      });
    }
  });

  it('gives an unlisted origin no Access-Control-Allow-Origin, still varying on Origin', async () => {
    const h = harness({ corsOrigins: ['https://app.example'] });
    const res = await h.call({ method: 'GET', path: '/users', headers: { origin: 'https://evil.example' } });
    expect(res.status).to.equal(200);
    expect(res.headers).to.not.have.property('access-control-allow-origin');
    expect(res.headers['vary']).to.equal('Origin');
  });

  it('answers * for any origin only when * is listed', async () => {
    const h = harness({ corsOrigins: ['*'] });
    const res = await h.call({ method: 'GET', path: '/users', headers: { origin: 'https://anyone.example' } });
    expect(res.headers['access-control-allow-origin']).to.equal('*');
    expect(res.headers).to.not.have.property('vary');
  });

  it('answers a preflight from an allowed origin with 204, no body, the route methods, before authorisation', async () => {
    const h = harness({ corsOrigins: ['https://app.example'], jwtIssuer: 'http://127.0.0.1:9', jwtAudience: 'users-api' });
    const res = await h.call(preflight('https://app.example'));
    expect(res).to.deep.equal({
      status: 204,
      headers: {
        'access-control-allow-origin': 'https://app.example',
        vary: 'Origin',
        'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, DELETE, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type, if-match, if-none-match',
        'access-control-max-age': '600',
      },
    });
    const collection = await h.call(preflight('https://app.example', '/users'));
    expect(collection.headers['access-control-allow-methods']).to.equal('GET, HEAD, POST, OPTIONS');
  });

  it('refuses a preflight from an unlisted origin with 403 and no CORS grant', async () => {
    for (const origins of [['https://app.example'], []]) {
      const h = harness({ corsOrigins: origins });
      const res = await h.call(preflight('https://evil.example'));
      expect(res.status).to.equal(403);
      expect(res.headers['content-type']).to.equal('application/problem+json');
      expect(res.headers).to.not.have.property('access-control-allow-origin');
    }
  });

  it('answers a plain OPTIONS (no preflight) with 204 and Allow', async () => {
    const h = harness();
    const res = await h.call({ method: 'OPTIONS', path: '/users' });
    expect(res).to.deep.equal({ status: 204, headers: { allow: 'GET, HEAD, POST, OPTIONS' } });
  });
});
