/**
 * Starting and stopping the real peers tests talk to (emulators, servers, child processes).
 * Every server binds to 127.0.0.1 on a free port, is waited for, and is stopped by its own pid.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';

/**
 * The reason a peer cannot run here, for the caller to skip with. Where the peers are promised
 * (`REQUIRE_TEST_PEERS=1`, which the repository's GitHub workflows set after installing them),
 * a missing one fails the run instead: a silent skip there would pass a build that tested nothing.
 */
export function peerUnavailable(reason: string): string {
  if (process.env.REQUIRE_TEST_PEERS === '1') {
    throw new Error(`${reason} (REQUIRE_TEST_PEERS=1: a missing test peer fails the run instead of skipping)`);
  }
  return reason;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on 127.0.0.1:port, or rejects after timeoutMs. */
export async function waitForPort(port: number, timeoutMs = 30_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before port ${port} opened`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RunningProcess {
  pid: number;
  port: number;
  child: ChildProcess;
  /** Output so far, for failure messages. */
  output(): string;
  /** SIGTERM by pid, then SIGKILL if it has not exited after graceMs. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns `command` in its own process group and waits for `port`. Stopping signals the group,
 * so that wrapper scripts (the Pub/Sub emulator's) do not leave their Java child behind.
 */
export async function startProcess(
  command: string,
  args: string[],
  port: number,
  options: SpawnOptions & { readyTimeoutMs?: number } = {},
): Promise<RunningProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
  let out = '';
  child.stdout?.on('data', (d) => (out = (out + d).slice(-20_000)));
  child.stderr?.on('data', (d) => (out = (out + d).slice(-20_000)));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  const stop = async (graceMs = 5_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, graceMs);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForPort(port, options.readyTimeoutMs ?? 60_000, child);
  } catch (err) {
    await stop(1_000);
    throw new Error(`${(err as Error).message}\n--- ${command} output ---\n${out}`);
  }
  return { pid, port, child, output: () => out, stop };
}

/** True when every path exists; used to skip a suite whose emulator is not installed here. */
export function installed(...paths: string[]): boolean {
  return paths.every((p) => existsSync(p));
}
