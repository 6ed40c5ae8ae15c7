/**
 * Cold start of every function package `npm run package` builds (dist/<cloud>/...): a fresh
 * `node` process, timed to the package being loaded (module load; the adapters build their
 * clients on first use) and, where a real peer can answer here, to the first invocation's answer;
 * each against a bare `node -e` on the same machine. Plus each package's size.
 *
 * Run alone: npm run bench:cold-start
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot, run, jsonLines } from './children';
import { firstAnswers, type FirstAnswer } from './cold-start-answers';
import { bytes, median, ms, msDelta, ratio, renderSection, table, type Section } from './report';

const RUNS = 10;
const dist = join(repoRoot, 'dist');

/** In the child: load the package, then optionally call one export with an event. */
const CHILD = `
const started = performance.now();
const m = require(process.argv[1]);
const out = { bench: 'cold-start', ready: performance.now(), load: performance.now() - started };
const call = process.argv[2] ? JSON.parse(process.argv[2]) : undefined;
if (!call) { console.log(JSON.stringify(out)); process.exit(0); }
Promise.resolve(m[call.export](call.event, call.context)).then(
  (answer) => { out.answered = performance.now(); out.answer = JSON.stringify(answer).slice(0, 300); console.log(JSON.stringify(out)); process.exit(0); },
  (err) => { out.error = String(err); console.log(JSON.stringify(out)); process.exit(0); });
`;

export interface FunctionPackage {
  name: string;
  dir: string;
  entry: string;
}

/** A folder with a package.json "main" or an index.js/main.js is a deployable package. */
export function findPackages(root: string): FunctionPackage[] {
  const found: FunctionPackage[] = [];
  const visit = (dir: string, depth: number) => {
    const pkg = join(dir, 'package.json');
    const main = existsSync(pkg) ? (JSON.parse(readFileSync(pkg, 'utf8')) as { main?: string }).main : undefined;
    const entry = [main, 'index.js', 'main.js'].filter((f): f is string => !!f).map((f) => join(dir, f)).find((f) => existsSync(f));
    if (entry && depth > 0) {
      found.push({ name: relative(root, dir), dir, entry });
      return;
    }
    if (depth >= 2) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && e.name !== 'node_modules') visit(join(dir, e.name), depth + 1);
  };
  if (existsSync(root)) visit(root, 0);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** Bytes of the files a deployment uploads; source maps counted apart (they need not ship). */
export function packageSize(dir: string): { code: number; maps: number } {
  let code = 0;
  let maps = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const size = statSync(join(e.parentPath, e.name)).size;
    if (e.name.endsWith('.map')) maps += size;
    else code += size;
  }
  return { code, maps };
}

/**
 * A package carrying another platform's native sharp (linux-arm64 for Lambda on Graviton) cannot
 * load on this x64 machine: its bundle is loaded from a copy whose node_modules is this repo's.
 */
function loadableEntry(p: FunctionPackage): { entry: string; note?: string } {
  const foreign = existsSync(join(p.dir, 'node_modules', '@img')) && !existsSync(join(p.dir, 'node_modules', '@img', `sharp-${process.platform}-${process.arch}`));
  if (!foreign) return { entry: p.entry };
  const shadow = mkdtempSync(join(tmpdir(), 'bench-cold-'));
  copyFileSync(p.entry, join(shadow, 'index.js'));
  symlinkSync(join(repoRoot, 'node_modules'), join(shadow, 'node_modules'));
  return { entry: join(shadow, 'index.js'), note: `bundle loaded with this machine's sharp (${process.platform}-${process.arch}); the package ships another platform's` };
}

interface Timing {
  ready: number;
  answered?: number;
  wall: number;
  error?: string;
}

const BARE = ['-e', "console.log(JSON.stringify({ bench: 'cold-start', ready: performance.now() }))"];

async function once(args: string[], env: NodeJS.ProcessEnv): Promise<Timing> {
  const r = await run(process.execPath, args, { env, timeoutMs: 60_000 });
  // The package may log JSON lines of its own while loading: ours is the one marked.
  const line = jsonLines<{ bench?: string; ready: number; answered?: number; error?: string }>(r.stdout).find((l) => l.bench === 'cold-start');
  if (!line) throw new Error(`child failed (${r.code}): ${r.stderr.slice(-400)}`);
  return { ready: line.ready, answered: line.answered, wall: r.wallMs, error: line.error };
}

/**
 * RUNS of the package, each right after a bare `node -e`, so that both see the same load on
 * a shared machine; the package's figures are compared with the bare runs next to them.
 */
async function times(args: string[], env: NodeJS.ProcessEnv, bare: Timing[]): Promise<Timing[]> {
  const out: Timing[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await once(BARE, childEnv()));
    out.push(await once(args, env));
  }
  return out;
}

/**
 * The children's environment: this one without NODE_EXTRA_CA_CERTS, which a workstation or CI
 * may set and which makes every Node process parse a CA bundle at start (~200 ms measured here);
 * Lambda, Azure Functions and Cloud Functions do not set it.
 */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

export async function coldStartBenchmark(): Promise<Section> {
  let built = 'dist/ was already built';
  if (findPackages(dist).length === 0) {
    const r = await run('npm', ['run', 'package'], { timeoutMs: 300_000 });
    built = r.code === 0 ? `built by \`npm run package\` in ${(r.wallMs / 1000).toFixed(0)} s` : `\`npm run package\` failed: ${r.stderr.slice(-300)}`;
  }
  const packages = findPackages(dist);
  const allBare: Timing[] = [];
  const answers = await firstAnswers();
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  try {
    for (const p of packages) {
      const { entry, note } = loadableEntry(p);
      if (note) notes.push(`${p.name}: ${note}`);
      const size = packageSize(p.dir);
      const answer: FirstAnswer | undefined = answers.calls[p.name];
      let timings: Timing[];
      const bare: Timing[] = [];
      try {
        timings = await times(['-e', CHILD, entry, ...(answer ? [JSON.stringify(answer.call)] : [])], childEnv(answer?.env), bare);
      } catch (err) {
        rows.push([p.name, bytes(size.code), '-', '-', '-', '-', '-', '-', `does not load: ${(err as Error).message.slice(0, 200)}`]);
        continue;
      }
      allBare.push(...bare);
      const bareReady = median(bare.map((t) => t.ready));
      const ready = median(timings.map((t) => t.ready));
      const answered = timings.every((t) => t.answered !== undefined && !t.error) ? median(timings.map((t) => t.answered!)) : NaN;
      const failed = timings.find((t) => t.error)?.error;
      rows.push([
        p.name,
        bytes(size.code),
        ms(bareReady),
        ms(ready),
        msDelta(ready - bareReady),
        ratio(ready, bareReady),
        Number.isFinite(answered) ? `${ms(answered)} (${msDelta(answered - bareReady)})` : failed ? `failed: ${failed.slice(0, 120)}` : `- (${answers.missing[p.name] ?? 'no peer answers this function here'})`,
        ms(median(timings.map((t) => t.wall))),
        answer ? answer.what : '',
      ]);
    }
  } finally {
    await answers.stop();
  }
  const bareReady = allBare.length ? median(allBare.map((t) => t.ready)) : NaN;
  const bareWall = allBare.length ? median(allBare.map((t) => t.wall)) : NaN;
  const body = [
    `${packages.length} packages under dist/ (${built}). Each figure is the median of ${RUNS} fresh \`node\` processes, each run right after a bare \`node -e\` (the "bare Node" column is the median of those ${RUNS}), so both see the same load. "loaded": \`performance.now()\` (ms since the process started) once \`require\` of the package returned; bare Node: the same at the first line of \`node -e\`, ${ms(bareReady)} over all runs (whole process ${ms(bareWall)}). The AWS handlers build their SDK clients on the first invocation, so their client construction is in "first answer", not in "loaded". Size: the package's files without source maps. Children run without NODE_EXTRA_CA_CERTS (no cloud runtime sets it).`,
    '',
    table(['package', 'size', 'bare Node', 'loaded', 'vs bare Node', 'ratio', 'first answer (vs bare)', 'whole process', 'first invocation'], rows),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
  return { title: 'Cold start and package size', command: 'npm run bench:cold-start', body };
}

if (require.main === module) {
  void coldStartBenchmark().then((section) => console.log(renderSection(section)));
}
