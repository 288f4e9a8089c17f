// `npm run bench`: `analyze` on the realistic corpus of the performance targets (bench/gen-logs.mjs, a
// copy of the peer bench's generator: tracing records with spans and nested fields, provider bodies
// inside strings, non-ASCII text in a few percent of lines) plus a file of a few very long lines:
// one-shot, .gz, --db on a new store, re-run on unchanged input, re-run after appending 1%.
// When the DuckDB peer is installed (BENCH_PEER=DIR, or ../shared/bench with its node_modules), it
// runs in alternating pairs with one-shot `analyze` and with `analyze --db`, and the median of the
// per-pair ratios is printed: on a shared, noisy machine only a ratio measured in one run means anything.
// Numbers, not assertions; writes bench/results.json.
import { spawnSync } from 'node:child_process';
import { appendFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const SEED = Number(process.env.BENCH_SEED ?? 7);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const data = resolve('bench/data');
const corpus = join(data, `realistic-${LINES}-${SEED}`);
const gzCorpus = `${corpus}-gz`;

if (!existsSync(join(corpus, 'llm-errors-long.jsonl'))) {
  rmSync(corpus, { recursive: true, force: true });
  mkdirSync(corpus, { recursive: true });
  const gen = spawnSync('node', ['bench/gen-logs.mjs', '--lines', String(LINES), '--files', '4', '--seed', String(SEED), '--out', corpus], { stdio: 'inherit' });
  if (gen.status !== 0) throw new Error('gen-logs failed');
  writeLongLines(join(corpus, 'llm-errors-long.jsonl'));
}
if (!existsSync(gzCorpus)) {
  mkdirSync(gzCorpus, { recursive: true });
  for (const f of readdirSync(corpus)) await pipeline(createReadStream(join(corpus, f)), createGzip({ level: 6 }), createWriteStream(join(gzCorpus, `${f}.gz`)));
}

// A few very long lines (0.5 to 4 MB): tracing records whose message carries a huge provider body.
function writeLongLines(file: string): void {
  for (const [i, mb] of [0.5, 1, 2, 4].entries()) {
    const filler = 'Überlastung 服务器繁忙 '.repeat(Math.ceil((mb * 1048576) / 30));
    const record = {
      timestamp: `2026-11-14T0${i}:30:00.123456Z`, level: 'ERROR',
      fields: { message: `Provider error: 503 Service Unavailable: {"error":{"code":503,"message":"${filler}"}}`, provider: 'gemini', retry_count: 1 },
      target: 'vtcode_core::llm::providers::gemini', span: { name: 'llm_request', provider: 'gemini' },
    };
    appendFileSync(file, JSON.stringify(record) + '\n');
  }
}

interface Run {
  seconds: number;
  peak_mb: number;
}

/** Wall time and peak RSS of a child process (GNU time's -f); `before` runs first, untimed. */
function run(cmd: string[], before?: () => void): Run {
  before?.();
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')}: exit ${r.status}\n${r.stderr}`);
  const [seconds, kb] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { seconds, peak_mb: Math.round(kb / 1024) };
}

const cli = ['node', 'bin/vtcode-errors.js'];
const db = join(data, 'bench.db');
const freshDb = () => {
  for (const ext of ['', '-wal', '-shm', '-journal']) rmSync(db + ext, { force: true });
};
const analyze = [...cli, 'analyze', corpus, '--format', 'json'];
const analyzeDb = [...analyze, '--db', db];

const results: Array<{ name: string } & Run> = [];
const time = (name: string, cmd: string[], before?: () => void) => results.push({ name, ...run(cmd, before) });
time('analyze (one-shot)', analyze);
time('analyze .gz', [...cli, 'analyze', gzCorpus, '--format', 'json']);
time('analyze --db, new store', analyzeDb, freshDb);
time('analyze --db, unchanged input', analyzeDb);
const grown = join(corpus, 'llm-errors-003.jsonl');
const grownSize = statSync(grown).size;
const extra = join(data, 'appended');
spawnSync('node', ['bench/gen-logs.mjs', '--lines', String(Math.round(LINES / 100)), '--seed', String(SEED + 1), '--out', extra], { stdio: 'ignore' });
appendFileSync(grown, readFileSync(join(extra, 'llm-errors-000.jsonl')));
time('analyze --db, after appending 1%', analyzeDb);
truncateSync(grown, grownSize); // the corpus as it was
rmSync(extra, { recursive: true, force: true });

const mb = readdirSync(corpus).reduce((n, f) => n + statSync(join(corpus, f)).size, 0) / 1048576;
console.log(`${LINES} lines + 4 very long ones, seed ${SEED}, ${mb.toFixed(0)} MB in ${corpus}`);
console.log('run'.padEnd(36), 'seconds'.padStart(8), 'lines/s'.padStart(10), 'MB/s'.padStart(7), 'peak MB'.padStart(8));
for (const r of results) {
  console.log(
    r.name.padEnd(36), r.seconds.toFixed(2).padStart(8), Math.round(LINES / r.seconds).toString().padStart(10),
    (mb / r.seconds).toFixed(1).padStart(7), String(r.peak_mb).padStart(8),
  );
}

// The DuckDB peer, in alternating pairs: A (vtcode-errors) B (DuckDB) A B ...
const peer = process.env.BENCH_PEER ?? resolve('../shared/bench');
const peerReady = existsSync(join(peer, 'p2-duckdb.mjs')) && existsSync(join(peer, 'node_modules', '@duckdb'));
const ratios: Record<string, { median_wall_ratio: number; pairs: Array<{ a: Run; b: Run }> }> = {};
if (!peerReady) {
  console.log(`\nThe DuckDB peer is not installed (set BENCH_PEER, or run npm ci in ${peer}): no ratios.`);
} else {
  const duck = join(data, 'peer.duckdb');
  const peerCmd = ['node', join(peer, 'p2-duckdb.mjs'), '--mode', 'table', '--db', duck, corpus];
  const freshDuck = () => rmSync(duck, { force: true });
  console.log(`\nvs the DuckDB peer (${peer}), ${PAIRS} alternating pairs, median of the per-pair ratios:`);
  for (const [name, cmd, before] of [['analyze (one-shot)', analyze, undefined], ['analyze --db, new store', analyzeDb, freshDb]] as const) {
    const pairs = Array.from({ length: PAIRS }, () => ({ a: run([...cmd], before), b: run(peerCmd, freshDuck) }));
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    ratios[name] = { median_wall_ratio: median(pairs.map((p) => p.a.seconds / p.b.seconds)), pairs };
    const peak = median(pairs.map((p) => p.a.peak_mb));
    console.log(
      `  ${name.padEnd(28)} ${ratios[name].median_wall_ratio.toFixed(2)}x DuckDB's wall time` +
        ` (${median(pairs.map((p) => p.a.seconds)).toFixed(2)} s vs ${median(pairs.map((p) => p.b.seconds)).toFixed(2)} s), peak ${peak} MB`,
    );
  }
}
// `report` against one-shot `analyze` on the same input, in alternating pairs (issue 15: under 2x).
// The corpus spans the week from 2026-11-14: the week ending 2026-11-21 holds all of it.
const report = [...cli, 'report', corpus, '--period', 'week', '--until', '2026-11-21T00:00:00Z', '--format', 'json'];
const reportPairs = Array.from({ length: PAIRS }, () => ({ a: run(report), b: run(analyze) }));
const middle = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const reportRatio = middle(reportPairs.map((p) => p.a.seconds / p.b.seconds));
console.log(
  `\nreport --period week vs analyze, ${PAIRS} alternating pairs: ${reportRatio.toFixed(2)}x analyze's wall time` +
    ` (${middle(reportPairs.map((p) => p.a.seconds)).toFixed(2)} s vs ${middle(reportPairs.map((p) => p.b.seconds)).toFixed(2)} s),` +
    ` peak ${middle(reportPairs.map((p) => p.a.peak_mb))} MB`,
);
writeFileSync(
  'bench/results.json',
  JSON.stringify({ lines: LINES, seed: SEED, mb, results, vs_duckdb: ratios, report_vs_analyze: { median_wall_ratio: reportRatio, pairs: reportPairs } }, null, 2) + '\n',
);
