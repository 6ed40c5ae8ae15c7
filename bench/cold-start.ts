/**
 * Cold start of every function package `npm run package` builds (dist/<cloud>/..., rebuilt first): a fresh
 * `node` process, timed to the package being loaded, to its first request to a peer leaving
 * (module load, clients built, the event read), and to the first invocation's answer from real
 * local peers (./cold-start-answers.ts); each against a bare `node -e` on the same machine. Plus
 * each package's size, what the platform's own libraries cost, and what-if builds of the AWS
 * users and orders bundles (./init-variants.ts) that show where their init time goes.
 *
 * Run alone: npm run bench:cold-start
 * One cloud or two only (packages, peers, hello worlds and what-ifs of those clouds; for a quick
 * look while working, not for BENCHMARKS.md): npm run bench:cold-start -- aws
 */
import { build } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { awsEnvironment as awsNames } from '../adapters/aws/environment';
import { repoRoot, run, jsonLines } from './children';
import { firstAnswers, RUN_TOKEN, writeWorkerCore, type ChildCall, type FirstAnswer } from './cold-start-answers';
import { buildInitVariants, type InitVariant } from './init-variants';
import { bytes, median, ms, msDelta, ratio, renderSection, table, type Section } from './report';
import { meets, renderTargets, type TargetCheck } from './targets';
import { freePort } from '../test/support/processes';

const RUNS = 10;
/** The what-if builds differ by a few ms each: more rounds, so that the differences stand out of the noise. */
const VARIANT_RUNS = 20;
const dist = join(repoRoot, 'dist');
/**
 * The cold-start targets of the users and orders functions (issue 22), on "first request out":
 * AWS at most this far above bare Node; Azure and Google Cloud at most this far above their
 * platform's own hello world's first answer (what any function there pays before its code).
 */
const AWS_INIT_BUDGET_MS = 45;
const PLATFORM_INIT_BUDGET_MS = 60;
const AWS_BUNDLED_MAX = 700_000;
const AWS_RUNTIME_SDK_MAX = 150_000;

/**
 * The child: load the package, then (optionally) make its first invocation. `request` is when the
 * first connection to a peer was opened (diagnostics_channel `net.client.socket`, published by
 * net.connect before it connects): the package is loaded, its clients are built and the event
 * is read by then. The Functions Framework case connects to its own test server first; that
 * connection is not a peer's and is not counted.
 */
export const CHILD = `
const started = performance.now();
const m = require(process.argv[1]);
const out = { bench: 'cold-start', ready: performance.now(), load: performance.now() - started };
const done = () => { console.log(JSON.stringify(out)); process.exit(0); };
if (!process.argv[2]) done();
const call = JSON.parse(process.argv[2].split(${JSON.stringify(RUN_TOKEN)}).join(process.pid + '-' + Math.random().toString(36).slice(2, 8)));
let own = false;
require('node:diagnostics_channel').subscribe('net.client.socket', () => {
  if (own || out.request !== undefined) return;
  out.request = performance.now();
  if (call.exitOnRequest) done();
});
const fail = (err) => { out.error = String(err && err.stack || err).slice(0, 400); done(); };
const answered = (answer) => { out.answered = performance.now(); out.answer = JSON.stringify(answer === undefined ? null : answer).slice(0, 400); done(); };
if (call.kind === 'export') {
  Promise.resolve().then(() => m[call.export](call.event, call.context)).then(answered, fail);
} else if (call.kind === 'azure') {
  const handler = require('@azure/functions-core').handlers[call.fn];
  let input = call.input;
  if (call.http) {
    const h = call.http;
    input = { method: h.method, url: h.url, query: new URL(h.url).searchParams, headers: new Headers(h.headers), params: {},
      arrayBuffer: async () => new TextEncoder().encode(h.body || '').buffer };
  }
  Promise.resolve().then(() => handler(input, call.context)).then(answered, fail);
} else {
  const http = require('node:http');
  const server = require('@google-cloud/functions-framework/testing').getTestServer(call.target);
  server.listen(0, '127.0.0.1', () => {
    const body = call.pubsubPush
      ? JSON.stringify({ ...call.pubsubPush, message: { ...call.pubsubPush.message, data: Buffer.from(JSON.stringify(call.pubsubPush.message.data)).toString('base64') } })
      : call.body;
    own = true;
    const req = http.request({ host: '127.0.0.1', port: server.address().port, method: call.method, path: call.path, headers: call.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => answered({ status: res.statusCode, body: text.slice(0, 200) }));
    });
    own = false;
    req.on('error', fail);
    req.end(body);
  });
}
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
function loadableEntry(p: FunctionPackage): { entry: string; note?: string; cleanup?: () => void } {
  const foreign = existsSync(join(p.dir, 'node_modules', '@img')) && !existsSync(join(p.dir, 'node_modules', '@img', `sharp-${process.platform}-${process.arch}`));
  if (!foreign) return { entry: p.entry };
  const shadow = mkdtempSync(join(tmpdir(), 'bench-cold-'));
  copyFileSync(p.entry, join(shadow, 'index.js'));
  symlinkSync(join(repoRoot, 'node_modules'), join(shadow, 'node_modules'));
  return {
    entry: join(shadow, 'index.js'),
    note: `bundle loaded with this machine's sharp (${process.platform}-${process.arch}); the package ships another platform's`,
    cleanup: () => rmSync(shadow, { recursive: true, force: true }),
  };
}

interface Timing {
  ready: number;
  request?: number;
  answered?: number;
  answer?: string;
  wall: number;
  error?: string;
}

const BARE = ['-e', "console.log(JSON.stringify({ bench: 'cold-start', ready: performance.now() }))"];

async function once(args: string[], env: NodeJS.ProcessEnv): Promise<Timing> {
  const r = await run(process.execPath, args, { env, timeoutMs: 60_000 });
  // The package may log JSON lines of its own while loading: ours is the one marked.
  const line = jsonLines<Omit<Timing, 'wall'> & { bench?: string }>(r.stdout).find((l) => l.bench === 'cold-start');
  if (!line) throw new Error(`child failed (${r.code}): ${r.stderr.slice(-400)}`);
  return { ready: line.ready, request: line.request, answered: line.answered, answer: line.answer, wall: r.wallMs, error: line.error };
}

/** One thing to time: a child's arguments and environment, and what to do around each run. */
interface Candidate {
  args: string[];
  env: NodeJS.ProcessEnv;
  reset?: () => Promise<void>;
  verify?: () => Promise<string | undefined>;
}

interface Timed {
  /** The bare `node -e` run right before each of this candidate's runs. */
  bare: Timing[];
  runs: Timing[];
  /** The first run that failed to load, if any (the candidate is then left out of later rounds). */
  failure?: string;
}

/**
 * RUNS rounds; in each, every candidate runs once, right after a bare `node -e`. Round robin, so
 * that on a shared machine a burst of load from elsewhere falls on all candidates alike rather
 * than on whichever ran during it, and each candidate is compared with the bare runs next to it.
 */
async function interleaved(candidates: Candidate[], runs = RUNS): Promise<Timed[]> {
  const out: Timed[] = candidates.map(() => ({ bare: [], runs: [] }));
  for (let i = 0; i < runs; i++) {
    for (const [k, c] of candidates.entries()) {
      if (out[k].failure) continue;
      await c.reset?.();
      out[k].bare.push(await once(BARE, childEnv()));
      try {
        const t = await once(c.args, c.env);
        const wrong = await c.verify?.();
        out[k].runs.push(wrong && !t.error ? { ...t, error: wrong } : t);
      } catch (err) {
        out[k].failure = (err as Error).message;
      }
    }
  }
  return out;
}

/**
 * The children's environment: this one without NODE_EXTRA_CA_CERTS, which a workstation or CI
 * may set and which makes every Node process parse a CA bundle at start (~200 ms measured here);
 * Lambda, Azure Functions and Cloud Functions do not set it. NODE_OPTIONS goes too (a debugger
 * hook or a loader there would be timed as the package's).
 */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  return env;
}

/** Median of a field over the runs that have it; NaN unless every run has it. */
function medianOf(timings: Timing[], field: 'ready' | 'request' | 'answered'): number {
  const values = timings.map((t) => t[field]);
  return values.every((v) => typeof v === 'number') ? median(values as number[]) : NaN;
}

const versus = (value: number, delta: number) => (Number.isFinite(value) ? `${ms(value)} (${msDelta(delta)})` : '-');

interface Measured {
  label: string;
  fn: string;
  /** Against bare Node (paired), ms. */
  load: number;
  request: number;
}

/** The Azure SDKs and sharp, each alone in a bundle built as scripts/package/azure.ts builds the app (sharp's addon stays in node_modules). */
async function libraryBundles(dir: string): Promise<{ module: string; entry: string; bytes: number; bundled: boolean }[]> {
  mkdirSync(dir, { recursive: true });
  const out: { module: string; entry: string; bytes: number; bundled: boolean }[] = [];
  for (const module of ['@azure/data-tables', '@azure/storage-blob', '@azure/storage-queue', '@azure/eventgrid', '@azure/identity']) {
    const name = module.replace(/\W+/g, '-');
    const source = join(dir, `${name}.src.js`);
    writeFileSync(source, `module.exports = require(${JSON.stringify(module)});\n`);
    const entry = join(dir, `${name}.js`);
    await build({ entryPoints: [source], outfile: entry, bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, nodePaths: [join(repoRoot, 'node_modules')], logLevel: 'error' });
    out.push({ module, entry, bytes: statSync(entry).size, bundled: true });
  }
  out.push({ module: 'sharp', entry: require.resolve('sharp'), bytes: NaN, bundled: false });
  return out;
}

/** A hello-world function on each platform's own library, served once: what the platform costs. */
function platformHellos(dir: string): { label: string; key: string; entry: string; call: ChildCall; env: Record<string, string>; check: (answer: string) => string | undefined }[] {
  writeWorkerCore(dir);
  writeFileSync(join(dir, 'ff-hello.js'), "require('@google-cloud/functions-framework').http('hello', (req, res) => res.status(200).send('ok'));\n");
  writeFileSync(join(dir, 'azure-hello.js'), "require('@azure/functions').app.http('hello', { handler: async () => ({ status: 200, body: 'ok' }) });\n");
  const nodePath = [join(dir, 'node_modules'), join(repoRoot, 'node_modules')].join(':');
  const status200 = (answer: string) => (/"status":200/.test(answer) ? undefined : `expected status 200: ${answer.slice(0, 120)}`);
  return [
    {
      label: 'Functions Framework, hello world (HTTP)',
      key: 'functions-framework',
      entry: join(dir, 'ff-hello.js'),
      call: { kind: 'ff-http', target: 'hello', method: 'GET', path: '/', headers: {} },
      env: { NODE_PATH: nodePath },
      check: status200,
    },
    {
      label: 'Azure Functions v4 model (@azure/functions), hello world (HTTP)',
      key: 'azure-functions',
      entry: join(dir, 'azure-hello.js'),
      call: { kind: 'azure', fn: 'hello', input: null, http: { method: 'GET', url: 'http://localhost/hello', headers: {} }, context: { invocationId: 'hello' } },
      env: { NODE_PATH: nodePath },
      check: status200,
    },
  ];
}

/**
 * The candidate's medians, and its figures against bare Node as the median of the paired
 * differences (each run minus the bare run right before it): steadier than the difference of two
 * medians when the machine's load drifts during the benchmark.
 */
function against(t: Timed): { bare: number; ready: number; request: number; answered: number; wall: number; delta: (field: 'ready' | 'request' | 'answered') => number } {
  const bare = t.bare.length ? median(t.bare.map((b) => b.ready)) : NaN;
  const ok = t.runs.length > 0;
  const delta = (field: 'ready' | 'request' | 'answered') => {
    const diffs = t.runs.map((r, i) => (typeof r[field] === 'number' && t.bare[i] ? r[field]! - t.bare[i].ready : NaN));
    return ok && diffs.every(Number.isFinite) && (field !== 'answered' || t.runs.every((r) => !r.error)) ? median(diffs) : NaN;
  };
  return {
    bare,
    ready: ok ? medianOf(t.runs, 'ready') : NaN,
    request: ok ? medianOf(t.runs, 'request') : NaN,
    answered: ok && t.runs.every((r) => !r.error) ? medianOf(t.runs, 'answered') : NaN,
    wall: ok ? median(t.runs.map((r) => r.wall)) : NaN,
    delta,
  };
}

export const CLOUDS: readonly string[] = ['aws', 'azure', 'gcp'];

export async function coldStartBenchmark(clouds: readonly string[] = CLOUDS): Promise<Section> {
  const unknown = clouds.filter((c) => !CLOUDS.includes(c));
  if (unknown.length > 0) throw new Error(`unknown cloud ${unknown.join(', ')}; known: ${CLOUDS.join(', ')}`);
  const all = CLOUDS.every((c) => clouds.includes(c));
  // Always from the current source: a dist/ left from an earlier build would time old code.
  // Packaging takes about 10 s here.
  const r = await run('npm', ['run', 'package', ...(all ? [] : ['--', ...clouds])], { timeoutMs: 300_000 });
  const built = r.code === 0 ? `built by \`npm run package\` in ${(r.wallMs / 1000).toFixed(0)} s` : `\`npm run package\` failed: ${r.stderr.slice(-300)}`;
  const packages = findPackages(dist).filter((p) => clouds.includes(p.name.split('/')[0]));
  const allBare: Timing[] = [];
  const notes: string[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'bench-cold-start-'));
  const cleanups: (() => void)[] = [() => rmSync(scratch, { recursive: true, force: true })];

  // Every package, with each of its functions' first invocations against the peers.
  const answers = await firstAnswers(clouds);
  interface Row {
    p: FunctionPackage;
    label: string;
    fn: string;
    answer?: FirstAnswer;
  }
  const planned: Row[] = [];
  const candidates: Candidate[] = [];
  // The platforms' hello worlds run in the same rounds as the packages, so that each target's
  // two sides meet the same load on this shared machine.
  const hellos = platformHellos(scratch).filter((h) => clouds.includes(h.key === 'azure-functions' ? 'azure' : 'gcp'));
  const sizes = new Map<string, { code: number; maps: number; entry: number }>();
  let timed: Timed[];
  try {
    for (const p of packages) {
      const { entry, note, cleanup } = loadableEntry(p);
      if (note) notes.push(`${p.name}: ${note}`);
      if (cleanup) cleanups.push(cleanup);
      sizes.set(p.name, { ...packageSize(p.dir), entry: statSync(p.entry).size });
      const calls: (FirstAnswer | undefined)[] = answers.calls[p.name] ?? [undefined];
      for (const answer of calls) {
        planned.push({ p, label: answer && calls.length > 1 ? `${p.name}: ${answer.fn}` : p.name, fn: answer?.fn ?? p.name.split('/')[1], answer });
        candidates.push({
          args: ['-e', CHILD, entry, ...(answer ? [JSON.stringify(answer.call)] : [])],
          env: childEnv(answer?.env),
          reset: answer?.reset,
          verify: answer?.verify,
        });
      }
    }
    timed = await interleaved([...candidates, ...hellos.map((h) => ({ args: ['-e', CHILD, h.entry, JSON.stringify(h.call)], env: childEnv(h.env) }))]);
  } finally {
    await answers.stop();
  }
  const helloTimed = timed.splice(candidates.length);
  const rows: (string | number)[][] = [];
  const measured: Measured[] = [];
  for (const [i, row] of planned.entries()) {
    const t = timed[i];
    const size = sizes.get(row.p.name)!;
    if (t.runs.length === 0) {
      rows.push([row.label, bytes(size.code), '-', '-', '-', '-', '-', '-', '-', `does not load: ${(t.failure ?? '').slice(0, 200)}`]);
      continue;
    }
    allBare.push(...t.bare);
    const f = against(t);
    const answer = row.answer;
    const wrong = answer ? t.runs.map((r) => r.error ?? (r.answer === undefined ? 'no answer' : answer.check(r.answer))).find((w) => w !== undefined) : undefined;
    const answered = wrong ? NaN : f.answered;
    measured.push({ label: row.label, fn: row.fn, load: f.delta('ready'), request: f.delta('request') });
    rows.push([
      row.label,
      bytes(size.code),
      ms(f.bare),
      ms(f.ready),
      msDelta(f.delta('ready')),
      ratio(f.ready, f.bare),
      versus(f.request, f.delta('request')),
      Number.isFinite(answered)
        ? `${ms(answered)} (${msDelta(f.delta('answered'))}, ${ratio(answered, f.bare)})`
        : wrong
          ? `wrong answer: ${wrong.slice(0, 160)}`
          : `- (${answers.missing[row.p.name] ?? 'no peer answers this function here'})`,
      ms(f.wall),
      answer ? answer.what : '',
    ]);
  }

  // What a function on each platform costs before any code of ours: a hello world on its library.
  const platform: Record<string, { ready: number; answered: number }> = {};
  const platformRows: (string | number)[][] = [];
  for (const [i, h] of hellos.entries()) {
    const t = helloTimed[i];
    allBare.push(...t.bare);
    const f = against(t);
    const wrong = t.runs.map((r) => r.error ?? (r.answer === undefined ? 'no answer' : h.check(r.answer))).find((w) => w !== undefined) ?? t.failure;
    platform[h.key] = { ready: f.delta('ready'), answered: wrong ? NaN : f.delta('answered') };
    platformRows.push([h.label, ms(f.bare), versus(f.ready, f.delta('ready')), wrong ? `failed: ${wrong.slice(0, 120)}` : versus(f.answered, f.delta('answered'))]);
  }

  // What each Azure SDK (and sharp) costs to load alone, bundled the way the app bundles them.
  const libraries = clouds.includes('azure') ? await libraryBundles(join(scratch, 'libraries')) : [];
  const libraryTimed = await interleaved(libraries.map((l) => ({ args: ['-e', CHILD, l.entry], env: childEnv() })));
  const libraryLoad: Record<string, number> = {};
  for (const [i, l] of libraries.entries()) {
    const t = libraryTimed[i];
    allBare.push(...t.bare);
    const f = against(t);
    libraryLoad[l.module] = f.delta('ready');
    platformRows.push([`${l.module} alone (${l.bundled ? `bundled, ${bytes(l.bytes)}` : 'native addon, from node_modules'})`, ms(f.bare), versus(f.ready, f.delta('ready')), '']);
  }

  // The AWS users and orders bundles, built four ways, to a first request on a closed port.
  const variantRows: (string | number)[][] = [];
  const variantFigures: (InitVariant & { load: number; request: number })[] = [];
  try {
    const variants = clouds.includes('aws') ? await buildInitVariants(join(scratch, 'variants')) : [];
    const closed = `http://127.0.0.1:${await freePort()}`;
    const env = childEnv({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_ENDPOINT_URL_DYNAMODB: closed,
      AWS_ENDPOINT_URL_SQS: closed,
      AWS_ENDPOINT_URL_SNS: closed,
      [awsNames.users.usersTable]: 'users',
      // required by the users wiring since the image routes (without them every users run failed before its first request)
      [awsNames.users.originalsBucket]: 'originals',
      [awsNames.users.compressedBucket]: 'compressed',
      [awsNames.orders.ordersTable]: 'orders',
      [awsNames.orders.paymentsQueueUrl]: `${closed}/q/payments`,
      [awsNames.orders.eventsTopicArn]: 'arn:aws:sns:us-east-1:000000000000:events',
      [awsNames.orders.deadLetterQueueUrl]: `${closed}/q/dlq`,
    });
    const variantTimed = await interleaved(
      variants.map((v) => {
        const shipped = answers.calls[`aws/${v.fn}`]?.[0]?.call;
        const call = v.serves && shipped ? { ...shipped, exitOnRequest: true } : undefined;
        return { args: ['-e', CHILD, v.entry, ...(call ? [JSON.stringify(call)] : [])], env };
      }),
      VARIANT_RUNS,
    );
    for (const [i, v] of variants.entries()) {
      const t = variantTimed[i];
      allBare.push(...t.bare);
      const f = against(t);
      const load = f.delta('ready');
      const request = f.delta('request');
      variantFigures.push({ ...v, load, request });
      variantRows.push([`aws/${v.fn}`, v.name, bytes(v.bytes), msDelta(load), Number.isFinite(request) ? msDelta(request) : '- (cannot serve)']);
    }
  } finally {
    for (const cleanup of cleanups) cleanup();
  }

  const bareReady = allBare.length ? median(allBare.map((t) => t.ready)) : NaN;
  const bareWall = allBare.length ? median(allBare.map((t) => t.wall)) : NaN;
  const targets = coldStartTargets(measured, sizes, variantFigures, platform, libraryLoad);
  // Every figure is a difference from bare Node, and grows with the machine's other work: say how
  // busy it was, so that a miss under load is not read as the code's.
  const busy = `This run's bare \`node -e\` reached its first line in ${ms(bareReady)} (median; the load average was ${loadavg()[0].toFixed(1)} when the cold-start benchmark ended): the figures scale with the machine's other work, so compare them with the bare Node and hello-world rows of the same run.`;
  for (const check of targets) if (check.met === false && check.target.startsWith('init')) check.why = `${check.why ?? ''} ${busy}`.trim();
  const body = [
    `${packages.length} packages under dist/, ${built}. Each figure is the median of ${RUNS} fresh \`node\` processes; the runs go round robin over all rows, each right after a bare \`node -e\` (the "bare Node" column is the median of those; every "vs bare" figure is the median of each run's difference from the bare run just before it), so a burst of load from elsewhere on this shared machine falls on every row alike. "loaded": \`performance.now()\` (ms since the process started) once \`require\` of the package returned; bare Node: the same at the first line of \`node -e\`, ${ms(bareReady)} over all runs (whole process ${ms(bareWall)}). "first request out": when the first invocation opened its first connection to a peer (diagnostics_channel \`net.client.socket\`): the package is loaded, its SDK clients are built (all three clouds' adapters build them on first use) and the event is read, so this is the init figure the targets are checked on. "first answer": the invocation's result from real local peers, checked on every run (status or outcome; for images, the compressed copy is removed before each run so each run makes it again). Size: the package's files without source maps. Children run without NODE_EXTRA_CA_CERTS and NODE_OPTIONS (no cloud runtime sets them).`,
    '',
    table(['package', 'size', 'bare Node', 'loaded', 'vs bare Node', 'ratio', 'first request out (vs bare)', 'first answer (vs bare, ratio)', 'whole process', 'first invocation'], rows),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
    '',
    '### What the platform and the libraries cost alone',
    '',
    "A hello-world HTTP function on each platform's own Node library, loaded and served once the same way (Functions Framework test server; the v4 model's handler through the stand-in worker core), in the same rounds as the packages above: every function on that platform pays this, whatever its own code, and the Azure and Google Cloud targets are set on it. Then each library the Azure app loads, alone in a minified bundle, loaded only (they share Azure's core libraries, so their figures overlap and do not add up).",
    '',
    table(['function', 'bare Node', 'loaded (vs bare)', 'first answer (vs bare)'], platformRows),
    '',
    '### Where the AWS users and orders init goes (bench/init-variants.ts)',
    '',
    `Each bundle built four ways (users five) from scripts/package/aws.ts \`esbuildOptions()\`, one change each, timed like the packages above but over ${VARIANT_RUNS} rounds; the first invocation goes to a closed port, so "first request out" is load + client construction + the event read, without the network. "shipped" takes the environment's credentials and leaves the SDK's default chain in credential-chain.js, loaded only when the environment has none; "default chain bundled" is the same with the chain inside index.js (as shipped before); "signing path in index.js" (users) the same with the S3 client and presigners inside index.js, not in object-urls.js (as shipped before). "runtime's SDK" loads \`@aws-sdk/*\` from this repository's node_modules, as Lambda would from the runtime's. "no SDK" cannot serve: it is the floor, our own code's load.`,
    '',
    table(['bundle', 'variant', 'index.js', 'loaded (vs bare)', 'first request out (vs bare)'], variantRows),
  ].join('\n');
  return { title: 'Cold start and package size', command: 'npm run bench:cold-start', body, targets };
}

function coldStartTargets(
  measured: Measured[],
  sizes: Map<string, { code: number; maps: number; entry: number }>,
  variants: (InitVariant & { load: number; request: number })[],
  platform: Record<string, { ready: number; answered: number }>,
  libraries: Record<string, number>,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const variant = (fn: string, name: InitVariant['name']) => variants.find((v) => v.fn === fn && v.name === name);
  for (const m of measured.filter((x) => x.fn === 'users' || x.fn === 'orders')) {
    const target = initTarget(m, platform);
    if (!target) continue;
    const init = m.request;
    const met = meets(init, target.bound, 'max');
    const check: TargetCheck = {
      target: target.label,
      subject: m.label,
      measured: Number.isFinite(init)
        ? `${msDelta(init)} to the first request (load ${msDelta(m.load)})${target.base ? `; ${target.base.name} ${msDelta(target.base.value)}, so ${msDelta(init - target.base.value)} over it` : ''}`
        : `no first request measured (load ${msDelta(m.load)})`,
      met,
    };
    if (met === false) explainInit(check, m, target.bound, variant, platform, libraries);
    checks.push(check);
  }
  for (const fn of ['users', 'orders']) {
    const size = sizes.get(`aws/${fn}`);
    if (size) {
      const met = meets(size.entry, AWS_BUNDLED_MAX, 'max');
      checks.push({
        target: 'AWS bundle <= 700 KB, SDK bundled',
        subject: `aws/${fn}`,
        measured: `index.js ${(size.entry / 1000).toFixed(0)} KB (${bytes(size.entry)}); the package also holds credential-chain.js, loaded only without credentials in the environment${fn === 'users' ? ', and object-urls.js, the S3 client and presigners, loaded on the first image route' : ''} (all files ${(size.code / 1000).toFixed(0)} KB), and the source maps, ${(size.maps / 1000).toFixed(0)} KB`,
        met,
        ...(met === false ? { why: 'the bundle itself is over the budget.' } : {}),
      });
    }
    const external = variant(fn, "runtime's SDK");
    if (external) {
      checks.push({
        target: "AWS bundle <= 150 KB, runtime's SDK",
        subject: `aws/${fn} (what-if build, not shipped)`,
        measured: `index.js ${(external.bytes / 1000).toFixed(0)} KB`,
        met: meets(external.bytes, AWS_RUNTIME_SDK_MAX, 'max'),
      });
    }
  }
  return checks;
}

/** The target of a users or orders package: its label and its bound (vs bare Node), from this run's hello worlds. */
function initTarget(m: Measured, platform: Record<string, { ready: number; answered: number }>): { label: string; bound: number; base?: { name: string; value: number } } | undefined {
  const cloud = m.label.split('/')[0];
  if (cloud === 'aws') return { label: `init <= bare Node + ${AWS_INIT_BUDGET_MS} ms`, bound: AWS_INIT_BUDGET_MS };
  const hello = cloud === 'azure' ? { name: 'v4-model hello world', key: 'azure-functions' } : cloud === 'gcp' ? { name: 'Functions Framework hello world', key: 'functions-framework' } : undefined;
  if (!hello) return undefined;
  const value = platform[hello.key]?.answered ?? NaN;
  return { label: `init <= ${hello.name} + ${PLATFORM_INIT_BUDGET_MS} ms`, bound: value + PLATFORM_INIT_BUDGET_MS, base: { name: hello.name, value } };
}

/** Why an init figure misses, from this run's own measurements, and what would close it. */
function explainInit(
  check: TargetCheck,
  m: Measured,
  bound: number,
  variant: (fn: string, name: InitVariant['name']) => (InitVariant & { load: number; request: number }) | undefined,
  platform: Record<string, { ready: number; answered: number }>,
  libraries: Record<string, number>,
): void {
  const cloud = m.label.split('/')[0];
  const over = ms(m.request - bound);
  if (cloud === 'aws') {
    const shipped = variant(m.fn, 'shipped');
    const chain = variant(m.fn, 'default chain bundled');
    const signing = variant(m.fn, 'signing path in index.js');
    const external = variant(m.fn, "runtime's SDK");
    const floor = variant(m.fn, 'no SDK (floor)');
    if (!shipped || !chain || !external || !floor) return;
    check.why =
      `${over} over. The AWS SDK v3 is almost all of it. Our own code (handlers, adapter, valibot${m.fn === 'users' ? ', jose' : ''}) loads in ${msDelta(floor.load)}; ` +
      `the bundled SDK adds ${ms(shipped.load - floor.load)} of load (V8 compiling ${bytes(shipped.bytes)} of minified code, most of it the SDK's, and running its module bodies) ` +
      `and ${ms(shipped.request - shipped.load)} more to build the client and send the first request (config providers, middleware stack, endpoint rules, SigV4). ` +
      `The default credential chain in index.js instead of its own file gives ${bytes(chain.bytes)} and ${msDelta(chain.request)} to the first request; ` +
      (signing ? `the S3 client and presigners in index.js instead of object-urls.js give ${bytes(signing.bytes)} and ${msDelta(signing.request)}; ` : '') +
      `the SDK from node_modules (the runtime's) is slower, not faster: ${msDelta(external.request)}, reading hundreds of files.`;
    check.close = `nothing inside the SDK's own cost: an SDK-free adapter (SigV4-signed JSON calls over node:http for DynamoDB, SQS and SNS) would start from the ${msDelta(floor.load)} floor.`;
  } else if (cloud === 'azure') {
    const hello = platform['azure-functions'];
    const lib = (name: string) => msDelta(libraries[name] ?? NaN);
    const needs = m.fn === 'users' ? ['@azure/data-tables'] : ['@azure/data-tables', '@azure/storage-queue', '@azure/eventgrid'];
    check.why =
      `${over} over. The entry registers the three functions and loads ${msDelta(m.load)} after bare Node (a hello world on the v4 model: loaded ${msDelta(hello?.ready ?? NaN)}, answered ${msDelta(hello?.answered ?? NaN)}); ` +
      `the first ${m.fn} invocation then loads that function's own bundle (functions/${m.fn}.js, no other function's code) and in it ${needs.join(', ')}, and builds the clients: ${ms(m.request - m.load)}. ` +
      `Alone, each in a bundle of its own: ${needs.map((name) => `${name} ${lib(name)}`).join(', ')} (they share Azure's core libraries, so they do not add up); in Azure, Identity is loaded too (${lib('@azure/identity')} alone), for which a connection string stands in here.`;
    check.close = `only less SDK: ${m.fn} needs ${needs.join(', ')}, whose own load is the gap; the SDK clients could be replaced by REST calls signed with the managed identity's token, which is hand-written code for each service.`;
  } else if (cloud === 'gcp') {
    const hello = platform['functions-framework'];
    check.why =
      `${over} over. A hello world on the Functions Framework answers ${msDelta(hello?.answered ?? NaN)} after bare Node; ours loads in ${msDelta(m.load)} and its first invocation spends ${ms(m.request - m.load)} more before the first request: ` +
      `requiring the ${m.fn === 'orders' ? 'Firestore and Pub/Sub clients' : 'Firestore client'} and building ${m.fn === 'orders' ? 'them' : 'it'}. ` +
      `Firestore talks REST (adapters/gcp/client-settings.ts), so it opens no gRPC channel, but its generated client (build/src/v1/firestore_client.js) requires google-gax's gRPC entry at the top whatever the transport, and against the emulator the client also loads gRPC for its insecure-channel credentials; ` +
      `${m.fn === 'orders' ? '@google-cloud/pubsub requires google-gax (gRPC) at the top as well, so a REST transport for Pub/Sub would save no load. ' : ''}` +
      `The protos of each client are a large JSON object compiled with the bundle.`;
    check.close = `nothing in our code: what remains is the Google client libraries' own load; calling Firestore's${m.fn === 'orders' ? ' and Pub/Sub\'s' : ''} REST API${m.fn === 'orders' ? 's' : ''} directly (google-auth-library and fetch) would skip it, at the price of hand-written clients.`;
  }
}

if (require.main === module) {
  void coldStartBenchmark(process.argv.length > 2 ? process.argv.slice(2) : CLOUDS).then((section) => {
    console.log(renderSection(section));
    console.log(`### Against the targets\n\n${renderTargets(section.targets ?? [])}`);
  });
}
