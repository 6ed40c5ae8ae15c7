import { expect } from 'chai';
import { harness } from './harness';

describe('users API: request log', () => {
  it('writes one line per request: method, route template, status, duration, correlation id', async () => {
    const h = harness();
    await h.call({ method: 'POST', path: '/users', json: { name: 'Ada', email: 'ada@example.com' }, requestId: 'req-1' });
    await h.call({ method: 'GET', path: '/users/u0001', requestId: 'req-2' });
    await h.call({ method: 'GET', path: '/elsewhere', requestId: 'req-3' });
    await h.call({ method: 'PATCH', path: '/users/u0001', json: { bad: 1 }, requestId: 'req-4' });
    expect(h.logs).to.have.length(4);
    const summary = h.logs.map(({ level, method, route, status, correlation_id }) => ({ level, method, route, status, correlation_id }));
    expect(summary).to.deep.equal([
      { level: 'info', method: 'POST', route: '/users', status: 201, correlation_id: 'req-1' },
      { level: 'info', method: 'GET', route: '/users/{id}', status: 200, correlation_id: 'req-2' },
      { level: 'info', method: 'GET', route: 'unknown', status: 404, correlation_id: 'req-3' },
      { level: 'info', method: 'PATCH', route: '/users/{id}', status: 422, correlation_id: 'req-4' },
    ]);
    for (const line of h.logs) expect(line.duration_ms).to.be.a('number').and.at.least(0);
  });
});
