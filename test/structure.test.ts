// Issue 16: one definition of the cells (JavaScript and SQL proved equal), errors that say what they
// are (a bug is exit 70, not a bad file; a dying worker loses nothing), EPIPE, strict ISO times, and
// `analyze --db` giving the one-shot report whether its cells come from the run, the cache or SQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import { Cells, type Cell, type RowFilter } from '../src/cells.js';
import { storedCells } from '../src/store/cells.js';
import { Store } from '../src/store/store.js';
import { packRows, rowValues, STORED_COLUMNS } from '../src/store/packed.js';
import type { Row } from '../src/model.js';
import type { AnalyzeOptions } from '../src/analyses/run.js';
import { analyzeApi, BIN, jsonl, ROOT, run, tmpDir, writeFixture } from './helpers.js';

const EXAMPLES = join(ROOT, 'examples', 'logs');

/** A file of several read chunks (512 KiB each), so that workers get more than one job. */
function corpus(): string {
  const dir = tmpDir('vtce-structure-');
  const recs: object[] = [];
  for (let i = 0; i < 9000; i++) {
    recs.push({
      timestamp: new Date(Date.UTC(2026, 10, 20, i % 24, i % 60)).toISOString(), level: 'ERROR', provider: ['gemini', 'openai', 'anthropic'][i % 3],
      status_code: [429, 401, 503, 500][i % 4], error_message: `upstream said no (${i}) ${'x'.repeat(120)}`, retry_count: i % 5, status: i % 7 ? 'recovered' : 'failed',
    });
  }
  writeFixture(dir, 'big.jsonl', jsonl(recs));
  return dir;
}

test('a parsing worker that dies loses nothing: its chunks are parsed in the main thread', () => {
  const dir = corpus();
  const inPlace = run(['analyze', dir, '--format', 'json'], { env: { VTCODE_ERRORS_WORKERS: '0' } });
  assert.equal(inPlace.code, 0, inPlace.stderr);
  const dying = run(['analyze', dir, '--format', 'json'], { env: { VTCODE_ERRORS_WORKERS: '2', VTCODE_ERRORS_TEST_FAULT: 'worker', DEBUG: '1' } });
  assert.equal(dying.code, 0, dying.stderr);
  assert.equal(dying.stdout, inPlace.stdout);
  assert.equal(JSON.parse(dying.stdout).summary.records, 9000);
  assert.match(dying.stderr, /parsing worker \d stopped \(injected worker fault/);
});

test('a bug while parsing is said as one: exit 70, one line naming the file, the stack only with DEBUG=1', () => {
  const dir = corpus();
  for (const workers of ['0', '2']) {
    const r = run(['analyze', dir], { env: { VTCODE_ERRORS_WORKERS: workers, VTCODE_ERRORS_TEST_FAULT: 'parse' } });
    assert.equal(r.code, 70, `workers=${workers}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^vtcode-errors: internal error while reading .*big\.jsonl: injected fault .*a bug in vtcode-errors/);
    const debug = run(['analyze', dir], { env: { VTCODE_ERRORS_WORKERS: workers, VTCODE_ERRORS_TEST_FAULT: 'parse', DEBUG: '1' } });
    assert.equal(debug.code, 70);
    assert.match(debug.stderr, /^\s+at parseChunk \(/m);
  }
  // An unreadable file is still a problem with that file: said, the rest read, exit 2.
  const missing = run(['analyze', EXAMPLES, join(dir, 'missing.jsonl'), '--format', 'json']);
  assert.equal(missing.code, 2);
  assert.ok(JSON.parse(missing.stdout).summary.records > 0);
});

test('a reader that closes the pipe early (| head) is not an error', () => {
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" analyze "${EXAMPLES}" | head -1; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'Summary\n');
  assert.doesNotMatch(r.stderr, /EPIPE|Error/);
});

test('--since and --until take real dates only (2026-02-30 is not 2 March)', () => {
  const r = run(['analyze', EXAMPLES, '--since', '2026-02-30']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--since 2026-02-30: expected an ISO 8601 time/);
  const ok = run(['analyze', EXAMPLES, '--since', '2026-11-20T14:00+01:00', '--until', '2026-11-20 14:00', '--format', 'json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).summary.from.slice(0, 13), '2026-11-20T13');
});

// The cells of random rows, counted in JavaScript (Cells.add) and in SQL (storedCells on a store).
const ROW = fc.record({
  timestamp: fc.integer({ min: Date.UTC(2026, 10, 19), max: Date.UTC(2026, 10, 21) }).map((t) => new Date(t).toISOString()),
  provider: fc.constantFrom('gemini', 'openai', 'zai'),
  event: fc.constantFrom('error', 'error', 'retry', 'recovered', 'failed', 'fallback'),
  error_type: fc.constantFrom(null, 'rate_limit', 'auth_error', 'network_error', 'server_error', 'client_error'),
  error_subtype: fc.constantFrom(null, 'throttled', 'quota_exhausted', 'invalid_api_key', 'permission_denied', 'timeout', 'dns'),
  outcome: fc.constantFrom(null, 'recovered', 'failed'),
  error_message: fc.constantFrom(null, 'invalid x-api-key', 'quota', 'é'),
  retry_count: fc.constantFrom(null, 0, 1, 3),
});
const sorted = (cells: Iterable<Cell>) => [...cells].map((c) => JSON.stringify(c, Object.keys(c).sort())).sort();

test('cells: counted in JavaScript and in SQL, the same for any rows and filter', () => {
  const dir = tmpDir('vtce-cells-');
  let n = 0;
  fc.assert(
    fc.property(fc.array(ROW, { maxLength: 60 }), fc.boolean(), fc.boolean(), (rows, since, oneProvider) => {
      const filter: RowFilter = { since: since ? '2026-11-20T00:00:00.000Z' : null, until: null, providers: oneProvider ? ['openai'] : [] };
      const js = new Cells(filter);
      for (const r of rows) js.add(r as Parameters<Cells['add']>[0]);
      const path = join(dir, `s${n++}.db`);
      Store.open(path).close();
      const db = new Database(path);
      // Stored as ingest stores them (an outcome's or a retry's classification as its cause).
      const insert = db.prepare(`INSERT INTO error_logs (${STORED_COLUMNS}) VALUES (${STORED_COLUMNS.map(() => '?')})`);
      const packed = packRows(rows.map((r) => ({ ...r, model: null, status_code: null, request_id: null, retryable: null, level: null, source: 'x:1' }) as Row));
      for (let i = 0; i < packed.rows; i++) insert.run(rowValues(packed, i));
      const sql = storedCells(db, filter);
      db.close();
      assert.deepEqual(sorted(sql), sorted(js.values()));
    }),
    { numRuns: 40, seed: 16 },
  );
});

test('analyze --db gives the one-shot report: from the run, from the cache, and counted anew by SQL', async () => {
  const dir = tmpDir('vtce-dbreport-');
  const db = join(dir, 'store.db');
  // In-process (the library's analyzeLogs, what the command calls); api.test.ts holds it to the command's output.
  const report = async (paths: string[], opts: AnalyzeOptions) => JSON.stringify(await analyzeApi(paths, opts), null, 2);
  for (const range of [{}, { since: '2026-11-20T06:00:00Z', providers: ['gemini'] }]) {
    const oneShot = await report([EXAMPLES], range);
    assert.ok(JSON.parse(oneShot).summary.records > 0);
    assert.equal(await report([EXAMPLES], { db, ...range }), oneShot, 'cells of the run');
    assert.equal(await report([], { db, ...range }), oneShot, 'cells from the cache');
    const s = new Database(db);
    s.exec('DELETE FROM cells_cache');
    s.close();
    assert.equal(await report([], { db, ...range }), oneShot, 'cells counted by SQL');
  }
});

test('JSON output in pieces is JSON.stringify(value, null, 2) byte for byte', async () => {
  const { jsonPieces } = await import('../src/render/json.js');
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 5 }), fc.dictionary(fc.string(), fc.array(fc.object(), { maxLength: 3 })), (v, rows) => {
      for (const value of [v, { summary: v, rows, nested: { rows } }]) assert.equal([...jsonPieces(value)].join(''), JSON.stringify(value, null, 2) + '\n');
    }),
    { numRuns: 200, seed: 16 },
  );
});

test('imports flow down: nothing under src/ but cli.ts imports src/commands/, and no two folders import each other', () => {
  const src = join(ROOT, 'src');
  const folders = new Map<string, Set<string>>();
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
    const from = dirname(file);
    for (const m of readFileSync(join(src, file), 'utf8').matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']+)'/gm)) {
      const to = dirname(relative(src, resolve(src, from, m[1])));
      if (to === 'commands' && from !== 'commands') assert.equal(file, 'cli.ts', `${file} imports ${m[1]}`);
      if (to !== from && from !== '.' && to !== '.') folders.set(from, (folders.get(from) ?? new Set()).add(to));
    }
  }
  assert.ok(folders.get('commands')?.has('analyses'), 'the scan sees the imports');
  for (const [a, tos] of folders) for (const b of tos) assert.ok(!folders.get(b)?.has(a), `src/${a} and src/${b} import each other`);
});
