/** Flags over environment over defaults, and refusals that name the bad value. */
import { expect } from 'chai';
import { resolve } from 'node:path';
import { readLocalConfig, UsageError } from '../../../adapters/local/environment';

describe('local configuration', () => {
  it('defaults to 127.0.0.1:3000 and .data', () => {
    const config = readLocalConfig([], {});
    expect(config).to.include({ port: 3000, host: '127.0.0.1', dataDir: resolve('.data'), seed: false, retryBaseMs: 1000, imagesMaxDeliveries: 5 });
    expect(config.visibilityMs).to.equal(undefined);
  });

  it('reads PORT and DATA_DIR, and lets the flags win over them', () => {
    expect(readLocalConfig([], { PORT: '4000', DATA_DIR: '/tmp/x' })).to.include({ port: 4000, dataDir: '/tmp/x' });
    expect(readLocalConfig(['--port', '5000', '--data-dir=/tmp/y', '--seed'], { PORT: '4000', DATA_DIR: '/tmp/x' })).to.include({
      port: 5000,
      dataDir: '/tmp/y',
      seed: true,
    });
  });

  it('reads the queue timings', () => {
    const config = readLocalConfig([], { QUEUE_VISIBILITY_SECONDS: '3', QUEUE_RETRY_BASE_MS: '20', QUEUE_RETRY_MAX_MS: '80', IMAGES_MAX_DELIVERIES: '2' });
    expect(config).to.include({ visibilityMs: 3000, retryBaseMs: 20, retryMaxMs: 80, imagesMaxDeliveries: 2 });
  });

  it('refuses unknown flags, missing values and bad numbers', () => {
    expect(() => readLocalConfig(['--prot', '1'], {})).to.throw(UsageError, /unknown argument "--prot"/);
    expect(() => readLocalConfig(['--port'], {})).to.throw(UsageError, /--port needs a value/);
    expect(() => readLocalConfig([], { PORT: 'eighty' })).to.throw(UsageError, /PORT must be an integer/);
    expect(() => readLocalConfig(['--port', '70000'], {})).to.throw(UsageError, /at most 65535/);
  });
});
