/**
 * A fresh data directory with the local ports wired over it, for tests; removed by `dispose`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../handlers/ports/logger';
import { wireLocal, type LocalPorts } from '../../../adapters/local/wiring';

export interface LocalHarness {
  dataDir: string;
  ports: LocalPorts;
  dispose(): void;
}

/** `port`: where a test serves these ports, for the URLs they sign. */
export function localHarness(env: Record<string, string> = {}, port?: number): LocalHarness {
  const dataDir = mkdtempSync(join(tmpdir(), 'local-test-'));
  const ports = wireLocal({ dataDir, env, port }, silentLogger);
  return {
    dataDir,
    ports,
    dispose: () => {
      ports.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
