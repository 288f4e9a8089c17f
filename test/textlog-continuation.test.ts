// Continuation lines of VT Code's text debug log (issue 13, item 16): a message or value holding line
// breaks (a pretty-printed error body, a backtrace) goes on over lines that start with no timestamp.
// They are joined to the line before them, also across the chunks the ingest parses apart; a line that
// still cannot be read with them leaves them skipped as "continuation of the previous line".
//
// Run after building dist/:  npx tsc -p tsconfig.json && node --import tsx --test test/textlog-continuation.test.ts
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseChunk, type ChunkJob } from '../src/ingest/chunk.js';
import { MAX_TEXT_RECORD } from '../src/ingest/framer.js';
import { allRows, analyzeApi, analyzeJson, run, tmpDir, writeFixture } from './helpers.js';

const CONTINUATION = 'continuation of the previous line';
const ts = (s: number) => `2026-11-20T14:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000001Z`;
const info = (s: number) => `${ts(s)}  INFO turn{turn=1}: vtcode::agent::runloop::unified::turn: new`;
const HTTP = 'vtcode_llm::providers::error_handling';

// An ERROR line whose message ends in a pretty-printed JSON error body: nothing but the `"code": 429`
// two lines down tells a rate limit (without that line, the same record is `unknown`).
const pretty429 = (s: number) => [
  `${ts(s)} ERROR turn{turn=1}: vtcode_core::llm: Provider error: {`,
  `  "error": {`,
  `    "code": 429,`,
  `    "message": "The request was not completed."`,
  `  }`,
  `}`,
];

const lines = (ls: string[]) => ls.join('\n') + '\n';

function samples(report: { skipped_samples: Array<{ line: number; reason: string }> }) {
  return report.skipped_samples.map((s) => [s.line, s.reason]);
}

describe('a text debug log record over several lines', () => {
  test('a pretty-printed 429 body is read with its line and classified on its whole text', async () => {
    const dir = tmpDir();
    const log = writeFixture(dir, 'debug-a.log', lines([
      info(10),
      ...pretty429(11),
      `${ts(12)}  WARN turn{turn=1}: ${HTTP}: OpenAI HTTP error provider="OpenAI" status=503 Service Unavailable body={`,
      `  "error": {`,
      `    "message": "The server is overloaded.",`,
      `    "type": "server_error"`,
      `  }`,
      `}`,
      info(13),
    ]));
    const db = join(dir, 'a.db');
    const r = await analyzeApi([log], { db });
    assert.equal(r.summary.records, 2);
    assert.equal(r.summary.ignored, 2);
    assert.equal(r.summary.skipped, 0);
    assert.deepEqual(r.skipped_samples, []);
    assert.deepEqual(r.summary.by_type, [
      { error_type: 'rate_limit', errors: 1 },
      { error_type: 'server_error', errors: 1 },
    ]);
    const rows = allRows(db).map((x) => [x.source, x.provider, x.error_type, x.status_code, x.error_message]);
    assert.deepEqual(rows, [
      [`${log}:2`, 'unknown', 'rate_limit', null, ['Provider error: {', ...pretty429(11).slice(1)].join('\n')],
      [`${log}:8`, 'openai', 'server_error', 503, 'The server is overloaded.'],
    ]);
    // Nothing of it is a malformed record: --strict passes.
    const strict = run(['analyze', log, '--strict', '--format', 'json']);
    assert.equal(strict.code, 0, strict.stderr);
  });

  test('a backtrace, blank line included, is part of the ERROR line; blank lines after it are not', async () => {
    const dir = tmpDir();
    const log = writeFixture(dir, 'debug-b.log', lines([
      `${ts(20)} ERROR turn{turn=2}: vtcode::agent: LLM request failed: connection reset by peer`,
      `Stack backtrace:`,
      `   0: vtcode::agent::run`,
      `             at ./src/agent.rs:10:5`,
      ``,
      `   1: std::rt::lang_start`,
      ``,
      info(21),
      ``,
    ]));
    const db = join(dir, 'b.db');
    const r = await analyzeApi([log], { db });
    assert.deepEqual([r.summary.records, r.summary.ignored, r.summary.skipped], [1, 1, 0]);
    assert.deepEqual(r.summary.by_type, [{ error_type: 'network_error', errors: 1 }]);
    const [row] = allRows(db);
    assert.equal(row.source, `${log}:1`);
    assert.equal(
      row.error_message,
      'LLM request failed: connection reset by peer\nStack backtrace:\n   0: vtcode::agent::run\n             at ./src/agent.rs:10:5\n\n   1: std::rt::lang_start',
    );
    const [file] = JSON.parse(run(['sql', '--db', db, 'SELECT lines, blank FROM ingested_files', '--format', 'json']).stdout);
    assert.deepEqual(file, { lines: 9, blank: 2 });
  });

  test('continuation lines of a line that cannot be read even with them are skipped as such', async () => {
    const dir = tmpDir();
    // A body cut short (the process died mid-write): the line is unreadable, its continuations with it.
    const cut = writeFixture(dir, 'debug-cut.log', lines([
      info(30),
      `${ts(31)}  WARN turn{turn=1}: ${HTTP}: OpenAI HTTP error provider="OpenAI" status=429 Too Many Requests body={`,
      `  "error": {`,
      `    "message": "Rate limit reached"`,
      info(32),
    ]));
    const r = await analyzeApi([cut]);
    assert.deepEqual([r.summary.records, r.summary.ignored, r.summary.skipped], [0, 2, 3]);
    assert.deepEqual(samples(r), [[2, 'invalid JSON'], [3, CONTINUATION], [4, CONTINUATION]]);

    // A line readable on its own, whose last field a continuation line would spoil.
    const outcome = writeFixture(dir, 'debug-outcome.log', lines([
      info(40),
      `${ts(41)}  INFO turn{turn=3}: vtcode.turn.metrics: turn metric metric="llm_retry_outcome" run_id=run-1 turn_id=turn-0003 turn=3 model="gpt-5" plan_mode=false attempts_made=2 retries_used=1 max_retries=3 success=true`,
      `not a line of the log`,
      info(42),
    ]));
    const o = await analyzeApi([outcome]);
    assert.deepEqual([o.summary.records, o.summary.ignored, o.summary.skipped], [1, 2, 1]);
    assert.deepEqual(samples(o), [[3, CONTINUATION]]);
    // --strict: a skip like any other, named by file and line.
    const strict = run(['analyze', outcome, '--strict', '--format', 'json']);
    assert.equal(strict.code, 2);
    assert.match(strict.stderr, new RegExp(`${outcome.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: ${CONTINUATION}`));
    assert.doesNotMatch(strict.stderr, /\n\s+at /, 'no stack trace');
  });

  test('JSON Lines are unaffected: a line that is not JSON is invalid JSON, a JSON line is its own record', async () => {
    const dir = tmpDir();
    const rec = (s: number, status: number) => JSON.stringify({ timestamp: ts(s), level: 'ERROR', provider: 'openai', status, message: 'boom' });
    const jl = writeFixture(dir, 'app.jsonl', lines([
      rec(50, 429),
      `not json at all`,
      // A date and a level, but no line of the debug log: the line after it is no continuation.
      `2026-11-20T10:00:00Z ERROR rate limit exceeded for provider openai`,
      `  indented text`,
      rec(51, 500),
    ]));
    const r = await analyzeApi([jl]);
    assert.deepEqual([r.summary.records, r.summary.skipped], [2, 3]);
    assert.deepEqual(samples(r), [[2, 'invalid JSON'], [3, 'invalid JSON'], [4, 'invalid JSON']]);

    // A JSON Lines record right after a debug-log line starts a record of its own.
    const mixed = writeFixture(dir, 'mixed.log', lines([`${ts(52)} ERROR vtcode::agent: tool failed: boom`, rec(53, 503)]));
    const m = await analyzeApi([mixed]);
    assert.deepEqual([m.summary.records, m.summary.skipped], [2, 0]);
    assert.deepEqual(m.summary.by_type.map((x: { error_type: string | null }) => x.error_type).sort(), ['server_error', 'unknown']);
  });
});

describe('across the chunks the ingest parses apart', () => {
  // Every record 6 to 11 lines long, so that chunk boundaries (at read sizes of 64 KiB from a pipe,
  // 256 KiB into a kept store, 512 KiB otherwise) fall inside records.
  const N = 6000;
  const dir = tmpDir();
  const parts: string[] = [];
  for (let i = 0; i < N; i++) {
    const [first, ...rest] = pretty429(i);
    const details = Array.from({ length: i % 6 }, (_, k) => `    "detail_${k}": "${'x'.repeat((i * 37) % 40)}",`);
    parts.push(first, ...rest.slice(0, 2), ...details, ...rest.slice(2));
  }
  const text = lines(parts);
  const log = writeFixture(dir, 'debug-big.log', text);

  test('the file is what the test needs: boundaries of both read sizes fall inside records', () => {
    const buf = Buffer.from(text);
    assert.ok(buf.length > 1024 * 1024, `${buf.length} bytes`);
    for (const size of [256 * 1024, 512 * 1024, 768 * 1024, 1024 * 1024]) {
      const next = buf.toString('utf8', buf.lastIndexOf(10, size - 1) + 1, buf.lastIndexOf(10, size - 1) + 12);
      assert.ok(!next.startsWith('2026-'), `at ${size}: ${next}`);
    }
  });

  const expectAll = (r: ReturnType<typeof analyzeJson>, how: string) => {
    assert.deepEqual([r.summary.records, r.summary.ignored, r.summary.skipped], [N, 0, 0], how);
    assert.deepEqual(r.summary.by_type, [{ error_type: 'rate_limit', errors: N }], how);
  };

  test('read in place, by worker threads, into a kept store, and from stdin: every record whole', () => {
    expectAll(analyzeJson([log], { env: { VTCODE_ERRORS_WORKERS: '0' } }), 'in place');
    expectAll(analyzeJson([log], { env: { VTCODE_ERRORS_WORKERS: '2' } }), 'workers');
    expectAll(analyzeJson([log, '--db', join(dir, 'big.db')], { env: { VTCODE_ERRORS_WORKERS: '2' } }), 'kept store');
    expectAll(analyzeJson(['-'], { input: readFileSync(log) }), 'stdin');
  });
});

describe('chunk.ts', () => {
  const head = info(1);
  const body = pretty429(2);
  const job = (bytes: string, over: Partial<ChunkJob>): ChunkJob => ({
    file: 'd.log', firstLine: 0, atStart: true, bytes: Buffer.from(bytes), at: null, length: Buffer.byteLength(bytes), final: false, strict: false, holdBackText: false, cells: null, pack: false,
    ...over,
  });

  test('a text record open at the end of a chunk is read with the next one only if that one may go on with it', () => {
    const bytes = lines([head, ...body]);
    const open = parseChunk(job(bytes, { following: '    "extra": 1' }));
    assert.deepEqual(open.open, { line: 2, byte: head.length + 1 });
    assert.deepEqual([open.lines, open.bytes, open.ignored, open.rows.length, open.skipped], [1, head.length + 1, 1, 0, 0]);
    for (const following of [info(9), null]) {
      const r = parseChunk(job(bytes, { following }));
      assert.equal(r.open, null);
      assert.deepEqual([r.lines, r.bytes, r.rows.length, r.rows[0]?.error_type, r.skipped], [7, bytes.length, 1, 'rate_limit', 0]);
    }
  });

  test('a last line still being written that goes on with a record: into a kept store, all of it is left for next time', () => {
    const bytes = lines([head, ...body.slice(0, 3)]) + '    "message": "Please w';
    const kept = parseChunk(job(bytes, { final: true, holdBackText: true }));
    assert.deepEqual([kept.lines, kept.bytes, kept.ignored, kept.rows.length, kept.skipped, kept.tentative.skipped], [1, head.length + 1, 1, 0, 0, 0]);
    // Into a temporary store, it is read now, with what there is of it.
    const temporary = parseChunk(job(bytes, { final: true }));
    assert.deepEqual([temporary.lines, temporary.bytes, temporary.rows.length, temporary.skipped + temporary.tentative.skipped], [5, bytes.length, 1, 0]);
  });

  test('past MAX_TEXT_RECORD, the lines of a record are skipped, not held', () => {
    const filler = 'y'.repeat(99);
    const n = 20_000; // 2 MB of lines after one line of the log
    const r = parseChunk(job(lines([head, ...Array.from({ length: n }, () => filler), info(2)]), { final: true }));
    const kept = Math.floor((MAX_TEXT_RECORD - head.length) / (filler.length + 1));
    assert.deepEqual([r.lines, r.ignored, r.skipped, r.skippedBy], [n + 2, 2, n - kept, { [CONTINUATION]: n - kept }]);
    assert.deepEqual(r.samples[0], { line: kept + 2, reason: CONTINUATION });
  });

  test('ingest of a file being written: the record is read whole once its end is there', async () => {
    const dir = tmpDir();
    const db = join(dir, 'w.db');
    const all = lines([head, ...body, info(3)]);
    const cut = all.indexOf('"message"') + 10;
    const log = writeFixture(dir, 'debug-w.log', all.slice(0, cut));
    const first = await analyzeApi([log], { db });
    assert.deepEqual([first.summary.records, first.summary.ignored, first.summary.skipped], [0, 1, 0]);
    appendFileSync(log, all.slice(cut));
    const second = await analyzeApi([log], { db });
    assert.deepEqual([second.summary.records, second.summary.ignored, second.summary.skipped], [1, 2, 0]);
    assert.deepEqual(allRows(db).map((r) => [r.source, r.error_type]), [[`${log}:2`, 'rate_limit']]);
  });
});
