// Reliability (issue 4, items 4 to 8): kill -9 and SIGINT during `ingest --db`, two ingests into one
// store at once, hostile input, a property test over mutated records, and resource failures (a
// database that cannot be written, a full disk, an unreadable input).
//
// Every check runs the real CLI (bin/vtcode-errors.js, i.e. the compiled dist/). The corpus comes
// from a seeded generator below, in which every record about an error carries a unique request_id,
// so that "exactly the right rows" can be checked row by row: each expected request_id stored once,
// at the right file:line, and nothing else.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { constants as zlib, gunzipSync, gzipSync } from 'node:zlib';
import { BIN, ROOT, analyzeJson, tmpDir } from './helpers.js';
import { BODIES, FLAT, MODELS, PROVIDERS, rng } from '../bench/generate.js';

// ---------------------------------------------------------------------------------------------
// Corpus: a seeded mix of flat records, tracing-subscriber JSON, raw provider bodies (all errors,
// each with a unique request_id) and INFO lines that are ignored.

interface GenLine {
  text: string;
  rid: string | null; // null: a record that is ignored (not about an error)
}

function genRecord(tag: string, i: number, r: () => number): GenLine {
  const rid = `${tag}-${i}`;
  const provider = PROVIDERS[Math.floor(r() * PROVIDERS.length)];
  const ts = new Date(Date.UTC(2026, 10, 1) + i * 1000 + Math.floor(r() * 1000)).toISOString();
  const k = r();
  if (k < 0.45) {
    const [type, status, msg] = FLAT[Math.floor(r() * FLAT.length)];
    return {
      rid,
      text: JSON.stringify({
        timestamp: ts, level: 'ERROR', provider, error_type: type, status_code: status, error_message: msg,
        retry_count: Math.floor(r() * 4), request_id: rid, status: r() < 0.7 ? 'recovered' : 'failed', model: MODELS[provider],
      }),
    };
  }
  if (k < 0.8) {
    const [, status, msg] = FLAT[Math.floor(r() * FLAT.length)];
    return {
      rid,
      text: JSON.stringify({
        timestamp: ts, level: 'ERROR', target: `vtcode_core::llm::providers::${provider}`,
        fields: { message: msg, provider, status_code: status === null ? undefined : `${status} Too Many Requests`, retry_count: 1, request_id: rid },
        span: { name: 'llm_request', model: MODELS[provider] },
      }),
    };
  }
  if (k < 0.9) {
    const [status, body] = BODIES[Math.floor(r() * BODIES.length)];
    return { rid, text: JSON.stringify({ ts: Date.parse(ts), provider, status, body, model: MODELS[provider], request_id: rid }) };
  }
  return {
    rid: null,
    text: JSON.stringify({ timestamp: ts, level: 'INFO', target: 'vtcode_core::tools::registry', fields: { message: `tool call finished: read_file #${i}` } }),
  };
}

/** `n` generated lines; `tag` makes the request_ids unique across files. */
function genLines(tag: string, n: number, seed: number): GenLine[] {
  const r = rng(seed);
  const out: GenLine[] = [];
  for (let i = 0; i < n; i++) out.push(genRecord(tag, i, r));
  return out;
}

const text = (lines: GenLine[]) => lines.map((l) => l.text).join('\n') + '\n';

/** request_id -> the `file:line` source each must be stored with. */
type Expected = Map<string, string>;

function expectRows(into: Expected, path: string, lines: GenLine[], firstLine = 1): Expected {
  lines.forEach((l, k) => {
    if (l.rid !== null) into.set(l.rid, `${path}:${firstLine + k}`);
  });
  return into;
}

// ---------------------------------------------------------------------------------------------
// Running the CLI: spawned (to kill it, signal it, wrap it in /usr/bin/time, setpriv or ulimit).

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'DEBUG', 'NODE_OPTIONS', 'VTCODE_ERRORS_WORKERS']) delete env[k];
  env.TZ = 'Asia/Kolkata';
  return { ...env, ...extra };
}

/** Parsing in worker threads (as for inputs of 16 MiB and more), or on the main thread. */
const WORKERS = { VTCODE_ERRORS_WORKERS: '2' };
const NO_WORKERS = { VTCODE_ERRORS_WORKERS: '0' };

interface StartOptions {
  wrap?: string[];
  timeoutMs?: number;
  input?: string;
  env?: Record<string, string>;
}

/** Spawn `wrap... node bin/vtcode-errors.js args...`; the promise settles when it exits. */
function start(args: string[], opts: StartOptions = {}): { child: ChildProcess; done: Promise<Exit> } {
  const wrap = opts.wrap ?? [];
  const argv = [...wrap, process.execPath, BIN, ...args];
  const t0 = Date.now();
  const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, env: cliEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.on('error', () => {});
  child.stdin!.end(opts.input ?? '');
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs ?? 60_000);
  const done = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0, timedOut });
    });
  });
  return { child, done };
}

const cli = (args: string[], opts: StartOptions = {}) => start(args, opts).done;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$|node:internal|^\s*\^+\s*$/m;

/** No stack trace, no uncaught-exception dump. */
function assertNoStack(stderr: string, what: string): void {
  assert.ok(!STACK.test(stderr), `${what}: stack trace on stderr:\n${stderr.slice(0, 3000)}`);
}

/** stderr lines, without blank ones. */
const errLines = (stderr: string) => stderr.split('\n').filter((l) => l.trim() !== '');

function describeExit(e: Exit): string {
  return `exit ${e.code}${e.signal ? ` (signal ${e.signal})` : ''}${e.timedOut ? ' TIMED OUT' : ''} after ${e.ms} ms\nstderr: ${e.stderr.slice(0, 3000)}\nstdout: ${e.stdout.slice(0, 1500)}`;
}

// ---------------------------------------------------------------------------------------------
// Looking at a store.

function withDb<T>(path: string, f: (db: Database.Database) => T): T {
  // Read-write, as the next run would: a WAL left by a killed process is recovered here.
  const db = new Database(path, { fileMustExist: true });
  try {
    return f(db);
  } finally {
    db.close();
  }
}

function integrity(path: string): string {
  return withDb(path, (db) => (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; '));
}

function rowCount(path: string): number {
  return withDb(path, (db) => db.prepare('SELECT count(*) FROM error_logs').pluck().get() as number);
}

/** Has the schema been created (a kill during start-up may leave an empty database file)? */
function hasSchema(path: string): boolean {
  return withDb(path, (db) => db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('error_logs', 'ingested_files')").pluck().get() === 2);
}

/** The bookkeeping agrees with the rows: what ingested_files says was stored is what is there. */
function bookkeeping(path: string): { rows: number; recorded: number } {
  return withDb(path, (db) => ({
    rows: db.prepare('SELECT count(*) FROM error_logs').pluck().get() as number,
    recorded: (db.prepare('SELECT coalesce(sum(records), 0) FROM ingested_files').pluck().get() as number) ?? 0,
  }));
}

interface RowCheck {
  expected: number;
  found: number; // rows carrying one of the expected request_ids
  duplicated: string[];
  missing: string[];
  misplaced: string[]; // stored with another source than its file:line
}

/** Compare the stored rows with the expected request_ids (rows with other request_ids are not looked at). */
function checkRows(path: string, expected: Expected): RowCheck {
  const rows = withDb(path, (db) => db.prepare('SELECT request_id, source FROM error_logs WHERE request_id IS NOT NULL').all() as Array<{ request_id: string; source: string }>);
  const seen = new Set<string>();
  const out: RowCheck = { expected: expected.size, found: 0, duplicated: [], missing: [], misplaced: [] };
  for (const r of rows) {
    const want = expected.get(r.request_id);
    if (want === undefined) continue;
    out.found++;
    if (seen.has(r.request_id)) out.duplicated.push(r.request_id);
    seen.add(r.request_id);
    if (r.source !== want) out.misplaced.push(`${r.request_id} at ${r.source}, expected ${want}`);
  }
  for (const rid of expected.keys()) if (!seen.has(rid)) out.missing.push(rid);
  return out;
}

/** Exactly the expected rows: each once, at its file:line. */
function assertRows(path: string, expected: Expected, what: string, exactTotal = true): void {
  const c = checkRows(path, expected);
  const summary = {
    found: c.found,
    duplicated: c.duplicated.length,
    missing: c.missing.length,
    misplaced: c.misplaced.length,
    examples: [...c.duplicated.slice(0, 3), ...c.missing.slice(0, 3), ...c.misplaced.slice(0, 3)],
  };
  assert.deepEqual(summary, { found: c.expected, duplicated: 0, missing: 0, misplaced: 0, examples: [] }, `${what}: stored rows differ from the expected ones`);
  if (exactTotal) assert.equal(rowCount(path), expected.size, `${what}: rows in error_logs`);
}

interface FileCounts {
  path: string;
  records: number;
  ignored: number;
  skipped: number;
  blank: number;
  lines: number;
  consumed: number;
  size: number;
}

function fileCounts(dbPath: string): FileCounts[] {
  return withDb(dbPath, (db) => db.prepare('SELECT path, records, ignored, skipped, blank, lines, consumed, size FROM ingested_files ORDER BY id').all() as FileCounts[]);
}

// ---------------------------------------------------------------------------------------------
// Environment probes.

/** As root, permission bits do not stop reads or writes: run the CLI without the capabilities that bypass them. */
const DROP_DAC = ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search'];
let permWrap: string[] | null = null; // prefix that makes chmod effective for the CLI, or null if none works

function probePermissions(dir: string): void {
  const f = join(dir, 'probe');
  writeFileSync(f, 'x');
  chmodSync(f, 0o000);
  const direct = spawnSync('cat', [f]);
  if (direct.status !== 0) {
    permWrap = []; // not root: chmod works as it is
    return;
  }
  const dropped = spawnSync(DROP_DAC[0], [...DROP_DAC.slice(1), 'cat', f]);
  permWrap = !dropped.error && dropped.status !== 0 ? DROP_DAC : null;
}

// GNU time gives the peak RSS; .ci/run installs it. Without it the memory bounds would pass silently.
assert.ok(existsSync('/usr/bin/time'), '/usr/bin/time is needed (apt-get install time; .ci/run does)');

/** Wrap in /usr/bin/time to get the peak RSS (KB) of the CLI. */
function timed(rssFile: string, wrap: string[] = []): string[] {
  return ['/usr/bin/time', '-f', '%M', '-o', rssFile, ...wrap];
}

function peakRssMb(rssFile: string): number | null {
  if (!existsSync(rssFile)) return null;
  const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
  return Number.isFinite(kb) ? kb / 1024 : null;
}

const RSS_LIMIT_MB = 400;

// ---------------------------------------------------------------------------------------------

const SEED = Number(process.env.RELIABILITY_SEED ?? 20261120);

/**
 * The kill / SIGINT / concurrency corpus, ~1-2 s of ingest: six small files first (a commit at the end
 * of each, the last one without a final line break), then one bigger than a 20k-row batch, then gzip.
 */
interface Corpus {
  dir: string;
  files: string[]; // paths as ingest names them when given the directory
  expected: Expected;
  lines: number;
}

function makeCorpus(root: string): Corpus {
  const dir = join(root, 'corpus');
  mkdirSync(dir, { recursive: true });
  const expected: Expected = new Map();
  const spec: Array<[string, number, boolean]> = [
    ['c1.jsonl', 1_000, false],
    ['c2.jsonl', 1_000, false],
    ['c3.jsonl', 1_000, false],
    ['c4.jsonl', 1_000, false],
    ['c5.jsonl', 1_000, false],
    ['c6.jsonl', 1_000, false],
    ['m.jsonl', 21_000, false], // more than one batch of 20k rows
    ['z.jsonl.gz', 3_000, true],
  ];
  const files: string[] = [];
  let lines = 0;
  spec.forEach(([name, n, gz], k) => {
    const path = join(dir, name);
    const ls = genLines(name.replace(/\W/g, ''), n, SEED + k);
    let body = Buffer.from(text(ls));
    if (name === 'c6.jsonl') body = body.subarray(0, body.length - 1); // no line break after the last record
    writeFileSync(path, gz ? gzipSync(body) : body);
    expectRows(expected, path, ls);
    files.push(path);
    lines += n;
  });
  return { dir, files, expected, lines };
}

let root: string;
let corpus: Corpus;
let fullIngestMs = 2000; // measured below

before(() => {
  root = tmpDir('vtce-rel-');
  probePermissions(root);
  corpus = makeCorpus(root);
});

// ---------------------------------------------------------------------------------------------
// 4. kill -9 and SIGINT

describe('4. kill -9 and SIGINT during ingest --db', () => {
  test('reference: one-shot analyze and a full ingest agree with the generator', { timeout: 120_000 }, async () => {
    const report = analyzeJson([corpus.dir]);
    assert.equal(report.summary.records, corpus.expected.size, 'analyze summary.records');
    // Two full runs at once, as the kill trials below run two at a time: how long a run takes then.
    const dbs = [join(root, 'reference-1.db'), join(root, 'reference-2.db')];
    const runs = await Promise.all(dbs.map((db, k) => cli(['ingest', corpus.dir, '--db', db, '--format', 'json'], { env: k === 0 ? NO_WORKERS : WORKERS })));
    runs.forEach((e, k) => {
      assert.equal(e.code, 0, describeExit(e));
      assertRows(dbs[k], corpus.expected, 'full ingest');
    });
    fullIngestMs = Math.max(...runs.map((e) => e.ms));
  });

  test('10 kills at seeded random moments: the store opens, integrity ok, a re-run ends with exactly the right rows', { timeout: 240_000 }, async (tc) => {
    const r = rng(SEED ^ 0x9e3779b9);
    const trials = 10;
    // A kill anywhere from start-up to the end of a full run.
    const delays = Array.from({ length: trials }, () => Math.round((0.05 + 0.95 * r()) * fullIngestMs));
    let killedMidRun = 0;
    const notes: string[] = [];
    const trial = async (t: number) => {
      const delay = delays[t];
      const db = join(root, `kill-${t}.db`);
      // Half the trials parse in worker threads, and each re-run in the other way.
      const [mode, rerunMode] = t % 2 === 0 ? [NO_WORKERS, WORKERS] : [WORKERS, NO_WORKERS];
      const { child, done } = start(['ingest', corpus.dir, '--db', db, '--format', 'json'], { env: mode });
      await sleep(delay);
      child.kill('SIGKILL');
      const killed = await done;
      const wasKilled = killed.signal === 'SIGKILL';
      if (wasKilled) killedMidRun++;
      else assert.equal(killed.code, 0, `trial ${t}: the run finished before the kill, but not cleanly: ${describeExit(killed)}`);
      let before = 0;
      if (existsSync(db)) {
        // Look at a copy (with its -wal and -shm, or -journal), so that the re-run below meets the store exactly
        // as the kill left it and does the recovery itself.
        const copy = join(root, `kill-${t}-copy.db`);
        for (const ext of ['', '-wal', '-shm', '-journal']) if (existsSync(db + ext)) copyFileSync(db + ext, copy + ext);
        assert.equal(integrity(copy), 'ok', `trial ${t}: integrity_check after a kill at ${delay} ms`);
        // Killed before the schema was made: an empty store, which the re-run must take as it is.
        if (hasSchema(copy)) {
          const b = bookkeeping(copy);
          assert.equal(b.recorded, b.rows, `trial ${t}: ingested_files.records (sum) vs rows in error_logs after a kill at ${delay} ms`);
          const partial = checkRows(copy, corpus.expected);
          assert.deepEqual({ duplicated: partial.duplicated.slice(0, 3), misplaced: partial.misplaced.slice(0, 3) }, { duplicated: [], misplaced: [] }, `trial ${t}: rows after the kill`);
          before = b.rows;
        }
      }
      const again = await cli(['ingest', corpus.dir, '--db', db, '--format', 'json'], { env: rerunMode });
      assert.equal(again.code, 0, `trial ${t}: re-run after a kill at ${delay} ms: ${describeExit(again)}`);
      assertNoStack(again.stderr, `trial ${t} re-run`);
      assert.equal(integrity(db), 'ok', `trial ${t}: integrity_check after the re-run`);
      assertRows(db, corpus.expected, `trial ${t} (killed at ${delay} ms with ${before} rows stored)`);
      const summary = JSON.parse(again.stdout) as { rows: number; added: number };
      assert.equal(summary.rows, corpus.expected.size, `trial ${t}: rows the re-run reports`);
      assert.equal(summary.added, corpus.expected.size - before, `trial ${t}: rows the re-run says it added`);
      notes.push(`${delay}ms${mode === WORKERS ? 'w' : ''}:${wasKilled ? before : 'done'}`);
    };
    const lane = async (first: number) => {
      for (let t = first; t < trials; t += 2) await trial(t);
    };
    await Promise.all([lane(0), lane(1)]);
    tc.diagnostic(`kill delay:rows stored at the kill (full run ${fullIngestMs} ms): ${notes.join(' ')}`);
    // The property is checked after every kill, wherever it landed; how many landed mid-run is luck,
    // reported, not asserted (at least one must have, or the test tested nothing).
    assert.ok(killedMidRun >= 1, `no kill hit a running ingest (${notes.join(' ')}; full run ${fullIngestMs} ms)`);
  });

  test('SIGINT: finishes the batch, says what it stored, exits 130; a re-run completes the rest exactly', { timeout: 120_000 }, async () => {
    const db = join(root, 'sigint.db');
    const { child, done } = start(['ingest', corpus.dir, '--db', db, '--format', 'json'], { env: WORKERS });
    // Once the store exists the run is under way.
    const t0 = Date.now();
    while (!existsSync(db) && Date.now() - t0 < 20_000 && child.exitCode === null) await sleep(10);
    await sleep(Math.round(0.15 * fullIngestMs));
    child.kill('SIGINT');
    const e = await done;
    assert.equal(e.code, 130, `SIGINT: ${describeExit(e)}`);
    assertNoStack(e.stderr, 'SIGINT');
    const m = /stored (\d+) new rows?/.exec(e.stderr);
    assert.ok(m, `SIGINT: stderr says what was stored: ${e.stderr}`);
    const stored = Number(m[1]);
    assert.equal(integrity(db), 'ok');
    assert.equal(rowCount(db), stored, 'rows in the store = rows it said it stored');
    const b = bookkeeping(db);
    assert.equal(b.recorded, b.rows, 'ingested_files.records (sum) vs rows');
    assert.ok(stored < corpus.expected.size, `it stopped early (stored ${stored} of ${corpus.expected.size})`);
    const partial = checkRows(db, corpus.expected);
    assert.deepEqual(partial.duplicated, []);
    assert.deepEqual(partial.misplaced, []);

    const again = await cli(['ingest', corpus.dir, '--db', db, '--format', 'json']);
    assert.equal(again.code, 0, describeExit(again));
    assertRows(db, corpus.expected, 're-run after SIGINT');
    assert.equal((JSON.parse(again.stdout) as { added: number }).added, corpus.expected.size - stored);
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Concurrency

describe('5. two ingest processes into the same new store', () => {
  // The first process parses on its main thread, the second in worker threads.
  const both = async (name: string, a: string[], b: string[], thirdRun = false) => {
    const db = join(root, `${name}.db`);
    const [ea, eb] = await Promise.all([
      cli(['ingest', ...a, '--db', db, '--format', 'json'], { env: NO_WORKERS }),
      cli(['ingest', ...b, '--db', db, '--format', 'json'], { env: WORKERS }),
    ]);
    for (const [label, e] of [['first', ea], ['second', eb]] as const) {
      assert.equal(e.code, 0, `${name}, ${label} process: ${describeExit(e)}`);
      assertNoStack(e.stderr, `${name}, ${label} process`);
      assert.doesNotMatch(e.stderr, /SQLITE_BUSY|database is locked/i);
    }
    assert.equal(integrity(db), 'ok');
    assertRows(db, corpus.expected, name);
    const b2 = bookkeeping(db);
    assert.equal(b2.recorded, b2.rows, `${name}: ingested_files.records (sum) vs rows`);
    if (!thirdRun) return;
    // A third run adds nothing.
    const third = await cli(['ingest', corpus.dir, '--db', db, '--format', 'json']);
    assert.equal(third.code, 0, describeExit(third));
    assert.equal((JSON.parse(third.stdout) as { added: number }).added, 0, `${name}: a re-run adds nothing`);
    assertRows(db, corpus.expected, `${name}, after a third run`);
  };

  test('disjoint files', { timeout: 120_000 }, async () => {
    await both('disjoint', corpus.files.filter((_, k) => k % 2 === 0), corpus.files.filter((_, k) => k % 2 === 1));
  });

  test('the same files at once', { timeout: 120_000 }, async () => {
    await both('same', [corpus.dir], [corpus.dir], true);
  });

  test('the same files at once, in opposite orders', { timeout: 120_000 }, async () => {
    await both('opposite', [...corpus.files], [...corpus.files].reverse());
  });
});

// ---------------------------------------------------------------------------------------------
// 6. Hostile input

function hostileSuite(): void {
  describe('6. hostile input', { concurrency: 2 }, () => {
    let n = 0;
    /** A case directory holding good.jsonl (300 lines), whose rows must all be stored. */
    const setup = () => {
      const id = n++;
      const dir = join(root, `hostile-${id}`);
      mkdirSync(dir, { recursive: true });
      const good = join(dir, 'good.jsonl');
      const lines = genLines(`good${id}`, 300, SEED + 100 + id);
      writeFileSync(good, text(lines));
      return { id, dir, good, expected: expectRows(new Map(), good, lines) };
    };

    interface Outcome extends Exit {
      db: string;
      rssMb: number | null;
      summary: { files: number; added: number; rows: number; ignored: number; skipped: number; skipped_samples: Array<{ file: string; line: number; reason: string }> } | null;
    }

    const ingest = async (dir: string, args: string[], opts: { wrap?: string[]; timeoutMs?: number } = {}): Promise<Outcome> => {
      const db = join(dir, '..', `${dir.split('/').pop()}.db`);
      const rss = `${db}.rss`;
      const e = await cli(['ingest', ...args, '--db', db, '--format', 'json'], { wrap: timed(rss, opts.wrap), timeoutMs: opts.timeoutMs ?? 60_000 });
      let summary: Outcome['summary'] = null;
      try {
        summary = JSON.parse(e.stdout) as Outcome['summary'];
      } catch {
        /* checked below */
      }
      return { ...e, db, rssMb: peakRssMb(rss), summary };
    };

    /** No hang, no stack trace, bounded memory; every stderr line one clear `vtcode-errors: ...` line. */
    const sane = (o: Outcome, what: string) => {
      assert.ok(!o.timedOut, `${what}: hung (${describeExit(o)})`);
      assert.ok(o.signal === null, `${what}: crashed: ${describeExit(o)}`);
      assertNoStack(o.stderr, what);
      for (const l of errLines(o.stderr)) assert.match(l, /^vtcode-errors: \S.*\S$/, `${what}: one clear error line per problem`);
      assert.ok(o.summary !== null, `${what}: the JSON summary on stdout: ${o.stdout.slice(0, 500)}`);
      if (o.rssMb !== null) assert.ok(o.rssMb < RSS_LIMIT_MB, `${what}: peak RSS ${o.rssMb.toFixed(0)} MB >= ${RSS_LIMIT_MB} MB`);
      assert.equal(integrity(o.db), 'ok', `${what}: integrity_check`);
    };

    /** Checked last, so that a failure shows first what was lost. */
    const exitIs = (o: Outcome, what: string, codes: number[] = [0]) => {
      assert.ok(codes.includes(o.code ?? -1), `${what}: expected exit ${codes.join(' or ')}: ${describeExit(o)}`);
    };

    /** The file was skipped with a reason, or named in one error line. */
    const accounted = (o: Outcome, path: string, what: string) => {
      const sample = o.summary?.skipped_samples.find((s) => s.file === path && s.reason.trim() !== '');
      const lines = errLines(o.stderr).filter((l) => l.includes(path));
      assert.ok(sample !== undefined || lines.length === 1, `${what}: ${path} neither skipped with a reason nor reported in one line: ${describeExit(o)}`);
    };

    /** Every line of the file accounted for: stored, ignored, skipped or blank. */
    const everyLine = (o: Outcome, path: string, lines: number, what: string) => {
      const f = fileCounts(o.db).find((c) => c.path === path);
      assert.ok(f, `${what}: ${path} in ingested_files`);
      assert.deepEqual(
        { lines: f.lines, accounted: f.records + f.ignored + f.skipped + f.blank },
        { lines, accounted: lines },
        `${what}: lines of ${path} (records ${f.records}, ignored ${f.ignored}, skipped ${f.skipped}, blank ${f.blank})`,
      );
    };

    test('a 64 MB single line, then good lines', { timeout: 120_000 }, async () => {
      const c = setup();
      const path = join(c.dir, 'huge.jsonl');
      const after = genLines('hugeafter', 20, SEED + 1);
      const huge = `{"timestamp":"2026-11-01T00:00:00Z","level":"ERROR","provider":"openai","error_message":"${'x'.repeat(64 * 1024 * 1024)}"}\n`;
      writeFileSync(path, huge + text(after));
      const o = await ingest(c.dir, [c.dir]);
      sane(o, '64 MB line');
      expectRows(c.expected, path, after, 2);
      assertRows(o.db, c.expected, '64 MB line', false);
      everyLine(o, path, 21, '64 MB line');
      // The huge line itself: stored (its message cut to size) or skipped with a reason.
      const stored = withDb(o.db, (db) => db.prepare('SELECT length(error_message) FROM error_logs WHERE source = ?').pluck().all(`${path}:1`) as number[]);
      if (stored.length === 0) accounted(o, path, '64 MB line');
      else assert.ok(stored[0] <= 500, `64 MB line: stored message of ${stored[0]} characters`);
      exitIs(o, '64 MB line', [0]);
    });

    test('JSON nested 100,000 levels deep, as a line of its own (object and array)', { timeout: 60_000 }, async () => {
      const c = setup();
      const path = join(c.dir, 'deep.jsonl');
      const d = 100_000;
      const after = genLines('deepafter', 10, SEED + 2);
      writeFileSync(path, `${'{"a":'.repeat(d)}1${'}'.repeat(d)}\n${'['.repeat(d)}${']'.repeat(d)}\n${text(after)}`);
      const o = await ingest(c.dir, [c.dir]);
      sane(o, 'deep JSON');
      expectRows(c.expected, path, after, 3);
      assertRows(o.db, c.expected, 'deep JSON');
      everyLine(o, path, 12, 'deep JSON');
      exitIs(o, 'deep JSON', [0]);
    });

    test('JSON nested 100,000 levels deep inside error records (body, fields, error): the file\'s other records are kept', { timeout: 60_000 }, async () => {
      const c = setup();
      const path = join(c.dir, 'deep-body.jsonl');
      const d = 100_000;
      const deep = `${'{"error":'.repeat(d)}1${'}'.repeat(d)}`;
      const hostile = [
        `{"timestamp":"2026-11-01T00:00:00Z","provider":"openrouter","status":429,"body":${deep}}`,
        `{"timestamp":"2026-11-01T00:00:01Z","level":"ERROR","provider":"openai","fields":${deep}}`,
        `{"timestamp":"2026-11-01T00:00:02Z","level":"ERROR","provider":"openai","error":${deep}}`,
      ];
      const good = genLines('deepbody', 30, SEED + 3);
      // good lines 1-10, hostile line 11, good 12-21, hostile 22, good 23-32, hostile 33
      const parts: string[] = [];
      const exp: Expected = new Map();
      let lineNo = 0;
      for (let k = 0; k < 3; k++) {
        for (const g of good.slice(k * 10, k * 10 + 10)) {
          parts.push(g.text);
          lineNo++;
          if (g.rid) exp.set(g.rid, `${path}:${lineNo}`);
        }
        parts.push(hostile[k]);
        lineNo++;
      }
      writeFileSync(path, parts.join('\n') + '\n');
      const o = await ingest(c.dir, [c.dir]);
      sane(o, 'deep error records');
      for (const [k, v] of exp) c.expected.set(k, v);
      assertRows(o.db, c.expected, 'deep error records', false);
      everyLine(o, path, 33, 'deep error records');
      exitIs(o, 'deep error records', [0]);
    });

    test('a line of a million `{`, then good lines', { timeout: 60_000 }, async () => {
      const c = setup();
      const path = join(c.dir, 'braces.jsonl');
      const after = genLines('bracesafter', 20, SEED + 4);
      writeFileSync(path, `${'{'.repeat(1_000_000)}\n${text(after)}`);
      const o = await ingest(c.dir, [c.dir]);
      sane(o, 'million {');
      accounted(o, path, 'million {');
      expectRows(c.expected, path, after, 2);
      assertRows(o.db, c.expected, 'million {');
      everyLine(o, path, 21, 'million {');
      exitIs(o, 'million {', [0]);
    });

    test('a line of a million `[`, then good lines: the lines after it are still read', { timeout: 60_000 }, async () => {
      const c = setup();
      const path = join(c.dir, 'brackets.jsonl');
      const after = genLines('bracketsafter', 20, SEED + 5);
      writeFileSync(path, `${'['.repeat(1_000_000)}\n${text(after)}`);
      const o = await ingest(c.dir, [c.dir]);
      sane(o, 'million [');
      accounted(o, path, 'million [');
      expectRows(c.expected, path, after, 2);
      assertRows(o.db, c.expected, 'million [');
      everyLine(o, path, 21, 'million [');
      exitIs(o, 'million [', [0]);
    });

    test('a JSON Lines record cut short after `[{`: the lines after it are still read', { timeout: 60_000 }, async () => {
      const c = setup();
      const path = join(c.dir, 'cut-array.jsonl');
      const before = genLines('cutarrbefore', 5, SEED + 6);
      const after = genLines('cutarrafter', 20, SEED + 7);
      writeFileSync(path, `${text(before)}[{"timestamp":"2026-11-01T00:00:00Z","level":"ERROR","provider":"openai","error_message":"cut\n${text(after)}`);
      const o = await ingest(c.dir, [c.dir]);
      sane(o, 'cut [{ line');
      expectRows(c.expected, path, before, 1);
      expectRows(c.expected, path, after, 7);
      assertRows(o.db, c.expected, 'cut [{ line');
      everyLine(o, path, 26, 'cut [{ line');
      exitIs(o, 'cut [{ line', [0]);
    });

    test('a file of random bytes', { timeout: 60_000 }, async () => {
      const c = setup();
      const path = join(c.dir, 'random.jsonl');
      const r = rng(SEED + 8);
      const bytes = Buffer.alloc(1 << 20);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
      writeFileSync(path, bytes);
      const o = await ingest(c.dir, [c.dir]);
      sane(o, 'random bytes');
      assertRows(o.db, c.expected, 'random bytes');
      const f = fileCounts(o.db).find((x) => x.path === path);
      assert.ok(f && f.skipped > 0, `random bytes: counted as skipped (${JSON.stringify(f)})`);
      exitIs(o, 'random bytes', [0]);
    });

    test('a gzip file cut in half: the rows before the cut kept, the cut counted as skipped', { timeout: 60_000 }, async () => {
      const c = setup();
      const path = join(c.dir, 'cut.jsonl.gz');
      const lines = genLines('gzcut', 6000, SEED + 9);
      const gz = gzipSync(Buffer.from(text(lines)));
      const half = gz.subarray(0, gz.length >> 1);
      writeFileSync(path, half);
      // What can be decoded before the cut: its complete lines are the rows to keep.
      const prefix = gunzipSync(half, { finishFlush: zlib.Z_SYNC_FLUSH }).toString('utf8');
      const complete = prefix.slice(0, prefix.lastIndexOf('\n') + 1).split('\n').length - 1;
      assert.ok(complete > 100 && complete < 6000);
      const o = await ingest(c.dir, [c.dir]);
      sane(o, 'cut gzip');
      expectRows(c.expected, path, lines.slice(0, complete));
      assertRows(o.db, c.expected, 'cut gzip');
      const sample = o.summary?.skipped_samples.find((s) => s.file === path);
      assert.ok(sample, `cut gzip: a skipped sample for ${path}: ${o.stdout.slice(0, 800)}`);
      assert.match(sample.reason, /gzip|truncat|corrupt/i);
      assert.ok((o.summary?.skipped ?? 0) >= 1);
      exitIs(o, 'cut gzip', [0]);
    });

    test('a file that disappears mid-walk', { timeout: 60_000 }, async (t) => {
      const c = setup();
      const gone = join(c.dir, 'sub', 'gone.jsonl');
      mkdirSync(join(c.dir, 'sub'));
      writeFileSync(gone, text(genLines('gone', 50, SEED + 10)));
      const later = join(c.dir, 'sub', 'later.jsonl');
      const laterLines = genLines('later', 50, SEED + 11);
      writeFileSync(later, text(laterLines));
      expectRows(c.expected, later, laterLines);
      // A FIFO named first holds the run after the walk (paths are expanded before reading): its writer
      // removes gone.jsonl once the CLI has opened the FIFO, then closes it.
      const fifo = join(c.dir, '..', `hold-${c.id}.fifo`);
      if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo not available');
      const writer = spawn('sh', ['-c', 'exec 3>"$1"; rm -f "$2"; exec 3>&-', 'sh', fifo, gone], { stdio: 'ignore' });
      const o = await ingest(c.dir, [fifo, c.dir], { timeoutMs: 30_000 });
      writer.kill('SIGKILL');
      assert.ok(!existsSync(gone), 'the writer removed gone.jsonl');
      sane(o, 'disappearing file');
      accounted(o, gone, 'disappearing file');
      assertRows(o.db, c.expected, 'disappearing file');
      exitIs(o, 'disappearing file', [0, 2]);
    });

    test('an unreadable file and an unreadable directory in a walked directory', { timeout: 60_000 }, async (t) => {
      if (permWrap === null) return t.skip('running as root, and setpriv cannot drop CAP_DAC_OVERRIDE: no way to make a file unreadable');
      const c = setup();
      const secret = join(c.dir, 'secret.jsonl');
      writeFileSync(secret, text(genLines('secret', 20, SEED + 12)));
      const locked = join(c.dir, 'locked');
      mkdirSync(locked);
      writeFileSync(join(locked, 'x.jsonl'), text(genLines('locked', 20, SEED + 13)));
      chmodSync(secret, 0o000);
      chmodSync(locked, 0o000);
      // The store's directory must stay writable for the unprivileged run.
      const o = await ingest(c.dir, [c.dir], { wrap: permWrap });
      chmodSync(locked, 0o755);
      sane(o, 'unreadable');
      accounted(o, secret, 'unreadable file');
      accounted(o, locked, 'unreadable directory');
      assertRows(o.db, c.expected, 'unreadable');
      exitIs(o, 'unreadable', [2]);
    });

    test('a FIFO named on the command line, written by a child process', { timeout: 60_000 }, async (t) => {
      const c = setup();
      const fifo = join(c.dir, '..', `named-${c.id}.fifo`);
      if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo not available');
      const lines = genLines('fifo', 200, SEED + 14);
      const src = join(c.dir, '..', `fifo-src-${c.id}.txt`); // not in the walked directory
      writeFileSync(src, text(lines));
      const writer = spawn('sh', ['-c', 'cat "$1" > "$2"', 'sh', src, fifo], { stdio: 'ignore' });
      const o = await ingest(c.dir, [fifo, c.good], { timeoutMs: 30_000 });
      writer.kill('SIGKILL');
      sane(o, 'named FIFO');
      expectRows(c.expected, fifo, lines);
      assertRows(o.db, c.expected, 'named FIFO');
      exitIs(o, 'named FIFO', [0]);
    });

    test('a FIFO inside a walked directory (nobody writes it): no hang', { timeout: 60_000 }, async (t) => {
      const c = setup();
      if (spawnSync('mkfifo', [join(c.dir, 'pipe.jsonl')]).status !== 0) return t.skip('mkfifo not available');
      const o = await ingest(c.dir, [c.dir], { timeoutMs: 20_000 });
      sane(o, 'FIFO in a walked directory');
      assertRows(o.db, c.expected, 'FIFO in a walked directory');
      exitIs(o, 'FIFO in a walked directory', [0]);
    });

    test('directory symlink loops in a walked directory', { timeout: 60_000 }, async () => {
      const c = setup();
      mkdirSync(join(c.dir, 'sub'));
      symlinkSync('.', join(c.dir, 'self'));
      symlinkSync('..', join(c.dir, 'sub', 'up'));
      symlinkSync('l2.jsonl', join(c.dir, 'l1.jsonl'));
      symlinkSync('l1.jsonl', join(c.dir, 'l2.jsonl'));
      const o = await ingest(c.dir, [c.dir], { timeoutMs: 20_000 });
      sane(o, 'symlink loops');
      assertRows(o.db, c.expected, 'symlink loops');
      exitIs(o, 'symlink loops', [0]);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// 7. Property: ingest never throws, and every line written is stored, ignored, skipped or blank.

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'bytes'; at: number; bytes: Uint8Array }
  | { kind: 'unicode'; at: number; text: string }
  | { kind: 'deleteKey'; which: number }
  | { kind: 'swapType'; which: number; value: unknown }
  | { kind: 'nest'; how: 'wrap' | 'fields' | 'array' | 'body' | 'deep' }
  | { kind: 'bom' }
  | { kind: 'cr'; at: number | null }
  | { kind: 'dup' }
  | { kind: 'blank'; ws: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('unicode' as const), at: fc.nat(), text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('deleteKey' as const), which: fc.nat() }),
  fc.record({
    kind: fc.constant('swapType' as const),
    which: fc.nat(),
    value: fc.oneof(
      fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 12 }),
      fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
    ),
  }),
  fc.record({ kind: fc.constant('nest' as const), how: fc.constantFrom('wrap' as const, 'fields' as const, 'array' as const, 'body' as const, 'deep' as const) }),
  fc.record({ kind: fc.constant('bom' as const) }),
  fc.record({ kind: fc.constant('cr' as const), at: fc.option(fc.nat(), { nil: null }) }),
  fc.record({ kind: fc.constant('dup' as const) }),
  fc.record({ kind: fc.constant('blank' as const), ws: fc.constantFrom('', ' ', '\t', '\r', ' \t \r') }),
);

const lineArb = fc.record({ seed: fc.nat({ max: 1_000_000 }), mutations: fc.array(mutationArb, { maxLength: 3 }) });
const fileArb = fc.array(lineArb, { minLength: 1, maxLength: 50 });

/** One generated record with its mutations, as the bytes of one or more lines (each ending in \n). */
function mutatedLines(spec: { seed: number; mutations: Mutation[] }): Buffer[] {
  let obj: unknown = JSON.parse(genRecord('prop', spec.seed, rng(spec.seed)).text);
  let bytes: Buffer | null = null; // once a byte-level mutation applied
  let dup = false;
  const blanks: string[] = [];
  const asBytes = () => (bytes ??= Buffer.from(JSON.stringify(obj)));
  for (const m of spec.mutations) {
    if (bytes === null && obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
      const o = obj as Record<string, unknown>;
      const keys = Object.keys(o);
      if (m.kind === 'deleteKey' && keys.length) {
        delete o[keys[m.which % keys.length]];
        continue;
      }
      if (m.kind === 'swapType' && keys.length) {
        o[keys[m.which % keys.length]] = m.value;
        continue;
      }
      if (m.kind === 'nest') {
        if (m.how === 'wrap') obj = { record: o };
        else if (m.how === 'fields') obj = { timestamp: o.timestamp ?? o.ts, fields: o };
        else if (m.how === 'array') obj = [o];
        else if (m.how === 'body') obj = { ...o, body: { error: o } };
        else {
          let v: unknown = o;
          for (let k = 0; k < 50; k++) v = { error: v };
          obj = { ...o, body: v };
        }
        continue;
      }
    }
    const b = asBytes();
    switch (m.kind) {
      case 'truncate':
        bytes = b.subarray(0, m.at % (b.length + 1));
        break;
      case 'bytes': {
        const at = m.at % (b.length + 1);
        bytes = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
        break;
      }
      case 'unicode': {
        const at = m.at % (b.length + 1);
        bytes = Buffer.concat([b.subarray(0, at), Buffer.from(m.text), b.subarray(at)]);
        break;
      }
      case 'bom':
        bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);
        break;
      case 'cr': {
        const at = m.at === null ? b.length : m.at % (b.length + 1);
        bytes = Buffer.concat([b.subarray(0, at), Buffer.from('\r'), b.subarray(at)]);
        break;
      }
      case 'dup':
        dup = true;
        break;
      case 'blank':
        blanks.push(m.ws);
        break;
      default: // an object mutation on what is no longer an object: nothing to do
        break;
    }
  }
  const line = Buffer.concat([asBytes(), Buffer.from('\n')]);
  const out = dup ? [line, line] : [line];
  for (const ws of blanks) out.push(Buffer.from(`${ws}\n`));
  return out;
}

function propertySuite(): void {
  describe('7. property: mutated records', () => {
    test('ingest never crashes; records + ignored + skipped + blank = lines written', { timeout: 180_000 }, async () => {
      const dir = join(root, 'property');
      mkdirSync(dir, { recursive: true });
      let k = 0;
      await fc.assert(
        fc.asyncProperty(fileArb, async (spec) => {
          const id = k++;
          const file = join(dir, `p${id}.jsonl`);
          const db = join(dir, `p${id}.db`);
          const content = Buffer.concat(spec.flatMap(mutatedLines));
          writeFileSync(file, content);
          let lines = 0;
          for (const byte of content) if (byte === 10) lines++;
          const e = await cli(['ingest', file, '--db', db, '--format', 'json'], { timeoutMs: 30_000 });
          try {
            assert.equal(e.code, 0, describeExit(e));
            assertNoStack(e.stderr, 'property');
            assert.equal(e.stderr.trim(), '', 'nothing on stderr');
            const [f] = fileCounts(db);
            assert.ok(f, 'the file is in ingested_files');
            const summary = JSON.parse(e.stdout) as { rows: number; ignored: number; skipped: number };
            // A NUL byte in the first kilobyte makes it a binary file: one skip for the whole of it.
            const binary = content.subarray(0, 1024).includes(0);
            assert.deepEqual(
              { lines: f.lines, accounted: f.records + f.ignored + f.skipped + f.blank, rows: rowCount(db) },
              binary ? { lines: 0, accounted: 1, rows: 0 } : { lines, accounted: lines, rows: f.records },
              `lines of ${file} (records ${f.records}, ignored ${f.ignored}, skipped ${f.skipped}, blank ${f.blank}; summary ${JSON.stringify(summary)})`,
            );
            assert.equal(summary.ignored, f.ignored);
            assert.equal(summary.skipped, f.skipped);
          } catch (err) {
            // Keep the failing file for the report; the next runs (shrinking) use new names.
            const head = JSON.stringify(content.subarray(0, 800).toString('latin1'));
            throw new Error(`${(err as Error).message}\nfile kept at ${file}; its first bytes (latin1): ${head}`);
          }
          rmSync(db, { force: true });
          rmSync(`${db}-wal`, { force: true });
          rmSync(`${db}-shm`, { force: true });
        }),
        // Each run is one CLI call: 30 runs, and at most 25 s in all (shrinking included).
        { numRuns: 30, seed: SEED, plugins: [fc.interruptAfterTimeLimit(25_000)] },
      );
    });
  });
}

// ---------------------------------------------------------------------------------------------
// 8. Resources

function resourcesSuite(): void {
  describe('8. resources: one clear error, exit 2, the store unharmed', { concurrency: 2 }, () => {
    let goodFile: string;
    let goodExpected: Expected;
    let bigDir: string;
    let bigExpected: Expected;
    let seedStore: string; // a store holding good.jsonl's rows, copied for each test

    before(async () => {
      const dir = join(root, 'resources');
      mkdirSync(dir, { recursive: true });
      goodFile = join(dir, 'good.jsonl');
      const lines = genLines('resgood', 200, SEED + 200);
      writeFileSync(goodFile, text(lines));
      goodExpected = expectRows(new Map(), goodFile, lines);
      // A corpus that needs much more room than the ulimit below allows.
      bigDir = join(dir, 'big');
      mkdirSync(bigDir);
      bigExpected = new Map();
      for (let k = 0; k < 3; k++) {
        const p = join(bigDir, `f${k}.jsonl`);
        const ls = genLines(`resbig${k}`, 6_000, SEED + 300 + k);
        writeFileSync(p, text(ls));
        expectRows(bigExpected, p, ls);
      }
      seedStore = join(dir, 'seed.db');
      const e = await cli(['ingest', goodFile, '--db', seedStore, '--format', 'json']);
      assert.equal(e.code, 0, describeExit(e));
      assert.ok(!existsSync(`${seedStore}-wal`) || statSync(`${seedStore}-wal`).size === 0, 'the seed store was checkpointed at close');
      assertRows(seedStore, goodExpected, 'the seed store');
    });

    /** A store holding good.jsonl's rows. */
    const existingStore = async (name: string) => {
      const db = join(root, 'resources', `${name}.db`);
      copyFileSync(seedStore, db);
      return db;
    };

    /** Exit 2, exactly one `vtcode-errors: ...` line on stderr naming `names`, no stack trace. */
    const oneError = (e: Exit, what: string, names: string) => {
      assert.ok(!e.timedOut, `${what}: hung`);
      assert.equal(e.code, 2, `${what}: ${describeExit(e)}`);
      assertNoStack(e.stderr, what);
      const lines = errLines(e.stderr);
      assert.equal(lines.length, 1, `${what}: one error line, got ${lines.length}:\n${e.stderr.slice(0, 2000)}`);
      assert.match(lines[0], /^vtcode-errors: /, what);
      assert.ok(lines[0].includes(names), `${what}: the error names ${names}: ${lines[0]}`);
    };

    const unharmed = (db: string, what: string) => {
      assert.equal(integrity(db), 'ok', `${what}: integrity_check`);
      const c = checkRows(db, goodExpected);
      assert.deepEqual({ missing: c.missing.length, duplicated: c.duplicated.length }, { missing: 0, duplicated: 0 }, `${what}: the rows stored before`);
      const b = bookkeeping(db);
      assert.equal(b.recorded, b.rows, `${what}: ingested_files.records (sum) vs rows`);
    };

    test('--db under a regular file (a file where a directory should be)', { timeout: 30_000 }, async () => {
      const db = join(goodFile, 'x.db');
      oneError(await cli(['ingest', goodFile, '--db', db]), 'db under a file', db);
    });

    test('--db under /proc', { timeout: 30_000 }, async () => {
      const db = '/proc/vtcode-errors-test/x.db';
      oneError(await cli(['ingest', goodFile, '--db', db]), 'db under /proc', db);
    });

    test('--db in a read-only directory', { timeout: 30_000 }, async (t) => {
      if (permWrap === null) return t.skip('running as root, and setpriv cannot drop CAP_DAC_OVERRIDE');
      const ro = join(root, 'resources', 'ro-dir');
      mkdirSync(ro);
      chmodSync(ro, 0o555);
      const db = join(ro, 'x.db');
      oneError(await cli(['ingest', goodFile, '--db', db], { wrap: permWrap }), 'db in a read-only dir', db);
      assert.ok(!existsSync(db), 'no database left behind');
    });

    test('an existing store that cannot be written (read-only file): one error naming the store, store unharmed', { timeout: 60_000 }, async (t) => {
      if (permWrap === null) return t.skip('running as root, and setpriv cannot drop CAP_DAC_OVERRIDE');
      const db = await existingStore('readonly');
      const before = rowCount(db);
      chmodSync(db, 0o444);
      const e = await cli(['ingest', bigDir, '--db', db], { wrap: permWrap });
      chmodSync(db, 0o644);
      unharmed(db, 'read-only store');
      assert.equal(rowCount(db), before);
      oneError(e, 'read-only store', db);
    });

    test('a full disk (ulimit -f) while adding to an existing store; then a re-run completes exactly', { timeout: 120_000 }, async () => {
      const db = await existingStore('full');
      const sizeBefore = statSync(db).size;
      // 512 KiB past what the store takes now: the big corpus needs ~6 MB more.
      const blocks = Math.ceil(sizeBefore / 1024) + 512;
      const e = await cli(['ingest', bigDir, '--db', db], { wrap: ['bash', '-c', `ulimit -f ${blocks} && exec "$@"`, 'bash'] });
      unharmed(db, 'full disk');
      const again = await cli(['ingest', bigDir, goodFile, '--db', db, '--format', 'json']);
      assert.equal(again.code, 0, describeExit(again));
      assertRows(db, new Map([...goodExpected, ...bigExpected]), 'after the full disk');
      oneError(e, 'full disk', db);
    });

    test('an unreadable input named on the command line (permissions): one error naming it, store unharmed', { timeout: 60_000 }, async (t) => {
      if (permWrap === null) return t.skip('running as root, and setpriv cannot drop CAP_DAC_OVERRIDE');
      const db = await existingStore('unreadable');
      const secret = join(root, 'resources', 'secret.jsonl');
      writeFileSync(secret, text(genLines('ressecret', 20, SEED + 400)));
      chmodSync(secret, 0o000);
      const e = await cli(['ingest', secret, '--db', db], { wrap: permWrap });
      unharmed(db, 'unreadable input');
      assert.equal(rowCount(db), goodExpected.size);
      oneError(e, 'unreadable input', secret);
    });

    test('an unreadable input named on the command line (a dangling symlink): one error naming it, store unharmed', { timeout: 60_000 }, async () => {
      const db = await existingStore('dangling');
      const link = join(root, 'resources', 'dangling.jsonl');
      symlinkSync(join(root, 'resources', 'nowhere.jsonl'), link);
      const e = await cli(['ingest', link, '--db', db]);
      unharmed(db, 'dangling symlink');
      assert.equal(rowCount(db), goodExpected.size);
      oneError(e, 'dangling symlink', link);
    });
  });
}

// 6 to 8 do not depend on timing: they run side by side (the property test runs one CLI call at a time).
describe('6 to 8: hostile input, property, resources', { concurrency: 3 }, () => {
  hostileSuite();
  propertySuite();
  resourcesSuite();
});

after(() => {
  // Directories made unreadable above must be removable by the helpers' cleanup.
  spawnSync('chmod', ['-R', 'u+rwx', root]);
});
