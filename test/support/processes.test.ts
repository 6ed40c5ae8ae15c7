/**
 * A missing test peer: skipped with its reason on a laptop, a failure where the workflow promised
 * the peers (REQUIRE_TEST_PEERS=1), so that a green GitHub build cannot hide skipped suites.
 */
import { expect } from 'chai';
import { peerUnavailable } from './processes';

describe('test peers: a missing one', () => {
  const saved = process.env.REQUIRE_TEST_PEERS;
  afterEach(() => {
    if (saved === undefined) delete process.env.REQUIRE_TEST_PEERS;
    else process.env.REQUIRE_TEST_PEERS = saved;
  });

  it('gives the reason to skip with by default', () => {
    delete process.env.REQUIRE_TEST_PEERS;
    expect(peerUnavailable('java is not installed')).to.equal('java is not installed');
  });

  it('fails the run, naming the peer, when the peers are required', () => {
    process.env.REQUIRE_TEST_PEERS = '1';
    expect(() => peerUnavailable('java is not installed')).to.throw(/java is not installed.*REQUIRE_TEST_PEERS=1/);
  });
});
