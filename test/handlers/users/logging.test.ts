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

  it('carries function and outcome like every function\'s per-invocation line, whatever logger the adapter hands in', async () => {
    // the harness's logger is not a child naming the function: the core must name it itself
    const h = harness();
    await h.call({ method: 'POST', path: '/users', json: { name: 'Ada', email: 'ada@example.com' } });
    await h.call({ method: 'GET', path: '/users/nobody' });
    await h.call({ method: 'DELETE', path: '/users/u0001' });
    expect(h.logs.map(({ function: fn, status, outcome }) => ({ fn, status, outcome }))).to.deep.equal([
      { fn: 'users', status: 201, outcome: 'answered' },
      { fn: 'users', status: 404, outcome: 'refused' },
      { fn: 'users', status: 204, outcome: 'answered' },
    ]);
  });

  it('says outcome "failed" when the store fails (500)', async () => {
    const h = harness();
    h.repo.get = async () => {
      throw new Error('the store is down');
    };
    const res = await h.call({ method: 'GET', path: '/users/u0001' });
    expect(res.status).to.equal(500);
    const line = h.logs.find((l) => l.msg === 'users request');
    expect(line).to.include({ function: 'users', outcome: 'failed', status: 500 });
  });
});
