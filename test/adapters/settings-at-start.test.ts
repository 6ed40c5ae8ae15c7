/**
 * Issue 19, defect 9: a runtime refuses to start on a setting that can only fail later, naming
 * the variable, its value and what is allowed: the local runtime (`npm start`, exit status 2,
 * before it creates its data directory) and each cloud's wiring (an error as the module loads:
 * a Lambda init error, a Functions host that cannot index the app, a Cloud Run instance that
 * does not start).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/fixtures';

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 60_000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

describe('settings at start', function () {
  this.timeout(120_000);

  it('npm start refuses IMAGES_JPEG_QUALITY=0 and ORDERS_MAX_DELIVERIES=0 with status 2, naming both, creating nothing', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'settings-at-start-'));
    const dataDir = join(parent, 'data');
    try {
      const { code, stderr } = await run(['adapters/local/main.ts', '--port', '0', '--data-dir', dataDir], { IMAGES_JPEG_QUALITY: '0', ORDERS_MAX_DELIVERIES: '0' });
      expect(code, stderr).to.equal(2);
      expect(stderr).to.include('IMAGES_JPEG_QUALITY="0" is not allowed: an integer from 1 to 100');
      expect(stderr).to.include('ORDERS_MAX_DELIVERIES="0" is not allowed: an integer from 1 to 1000');
      expect(existsSync(dataDir), 'no data directory').to.equal(false);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('npm start refuses USERS_JWT_ISSUER without USERS_JWT_AUDIENCE', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'settings-at-start-'));
    try {
      const { code, stderr } = await run(['adapters/local/main.ts', '--port', '0', '--data-dir', dataDir], { USERS_JWT_ISSUER: 'https://issuer.example' });
      expect(code, stderr).to.equal(2);
      expect(stderr).to.include('USERS_JWT_ISSUER="https://issuer.example" needs USERS_JWT_AUDIENCE');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  for (const cloud of ['aws', 'azure', 'gcp']) {
    it(`the ${cloud} wiring refuses to load with ORDERS_MAX_DELIVERIES=0`, async () => {
      const { code, stderr } = await run(['-e', `require('./adapters/${cloud}/wiring')`], { ORDERS_MAX_DELIVERIES: '0' });
      expect(code, stderr).to.not.equal(0);
      expect(stderr).to.include('ORDERS_MAX_DELIVERIES="0" is not allowed: an integer from 1 to 1000');
    });
  }
});
