// The command line of DESIGN.md §1 and §5, end to end: exit codes, --help, output formats, time and
// provider filters, colour, stdin, gzip, directory walks and globs. Real files, the real CLI; what the
// analyses make of --provider, --top, gzip and a directory walk is asked of the library in-process.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  analyzeApi, analyzeJson, allRows, BIN, ESCAPE, ingestTo, jsonl, ok, openDb, ROOT, run, runAsync, sqlJson, tmpDir, writeFixture, writeFixtures,
  type AnalyzeReport,
} from './helpers.js';

const FAKE_KEY = 'sk-proj-FAKE1234567890abcdefghijKLMN';
const at = (hms: string) => `2026-11-20T${hms}Z`;
const flat = (time: string, provider: string, extra: Record<string, unknown>) => ({ timestamp: at(time), level: 'ERROR', provider, ...extra });
const rl = (time: string, provider: string, extra: Record<string, unknown> = {}) =>
  flat(time, provider, { error_type: 'rate_limit', status_code: 429, error_message: 'Rate limit exceeded', ...extra });
const NET = 'error sending request for url (https://api.anthropic.com/v1/messages): operation timed out';

// The data set most tests here run on, and what DESIGN.md §5 makes of it.
const DATA = [
  rl('14:00:00.000', 'gemini', { status: 'recovered', retry_count: 1 }),
  rl('14:10:00.000', 'gemini', { status: 'recovered' }),
  rl('14:20:00.000', 'gemini', { status: 'failed' }),
  rl('14:59:59.999', 'gemini'),
  rl('15:00:00.000', 'gemini'),
  rl('13:30:00.000', 'openai'),
  rl('14:30:00.000', 'openai'),
  flat('12:00:00.000', 'anthropic', { status_code: 401, error_message: 'invalid x-api-key' }),
  flat('16:00:00.000', 'anthropic', { status_code: 401, error_message: 'invalid x-api-key' }),
  flat('10:00:00.000', 'openai', { status_code: 401, error_message: `Incorrect API key provided: ${FAKE_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.` }),
  flat('09:00:00.000', 'anthropic', { error_message: NET, retry_count: 1 }),
  flat('09:30:00.000', 'anthropic', { error_message: NET, retry_count: 2 }),
  flat('09:40:00.000', 'anthropic', { error_message: NET, retry_count: 2 }),
  flat('09:45:00.000', 'anthropic', { error_message: NET }),
  flat('11:30:00.000', 'deepseek', { error_message: 'error trying to connect: dns error: failed to lookup address information', retry_count: 2 }),
  flat('11:00:00.000', 'Z.AI', { status_code: '503 Service Unavailable', error_message: 'upstream unavailable' }),
  { timestamp: at('11:05:00.000'), level: 'INFO', message: 'tool call completed', tool: 'read_file' },
  '{"timestamp":"2026-11-20T11:06:00Z","level":"ERROR","provider":"gemini","error_type":"rate_li',
  { timestamp: at('09:50:00.000'), level: 'INFO', target: 'vtcode_core::llm::providers::anthropic', fields: { message: 'Successfully recovered from error', retry_count: 2 } },
  { timestamp: at('10:15:00.000'), level: 'ERROR', target: 'vtcode_core::llm::providers::anthropic', fields: { message: 'Request failed after retries', final_error: NET, retry_count: 3 } },
];
const BAD_LINE = 18; // the truncated record above

const SUMMARY_KEYS = ['files', 'records', 'errors', 'ignored', 'skipped', 'from', 'to', 'by_provider', 'by_type'];
const TOP_KEYS = ['summary', 'rate_limit_spikes', 'auth_failures', 'network_errors', 'recovery', 'skipped_samples'];

let dir: string;
let data: string;
before(() => {
  dir = tmpDir();
  data = writeFixture(dir, 'errors.jsonl', jsonl(DATA));
});

const sortBy = <T>(xs: T[], key: (x: T) => string) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** A small RFC 4180 parser: rows of fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  assert.equal(quoted, false, 'CSV ends inside a quoted field');
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows;
}

function assertOneLineError(r: { code: number | null; stdout: string; stderr: string }, mention?: string | RegExp) {
  assert.equal(r.code, 2, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  if (mention) assert.match(lines[0], typeof mention === 'string' ? new RegExp(mention.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : mention);
}

describe('analyze --format json: the §5 shape and numbers', () => {
  let r: AnalyzeReport;
  before(() => {
    r = analyzeJson([data]);
  });
  test('top-level and summary keys', () => {
    for (const k of TOP_KEYS) assert.ok(k in r, `missing key ${k}`);
    for (const k of SUMMARY_KEYS) assert.ok(k in r.summary, `missing summary.${k}`);
    for (const x of r.summary.by_provider) assert.deepEqual(Object.keys(x).sort(), ['errors', 'provider']);
    for (const x of r.summary.by_type) assert.deepEqual(Object.keys(x).sort(), ['error_type', 'errors']);
    for (const x of r.rate_limit_spikes) assert.deepEqual(Object.keys(x).sort(), ['count', 'hour', 'provider', 'quota', 'spike', 'throttled']);
    for (const x of r.auth_failures) assert.deepEqual(Object.keys(x).sort(), ['count', 'message', 'provider']);
    for (const x of r.network_errors) assert.deepEqual(Object.keys(x).sort(), ['avg_retries', 'provider', 'total']);
    for (const x of r.recovery) assert.deepEqual(Object.keys(x).sort(), ['failed', 'provider', 'recovered', 'success_rate']);
    for (const x of r.skipped_samples) assert.deepEqual(Object.keys(x).sort(), ['file', 'line', 'reason']);
  });
  test('summary', () => {
    const s = r.summary;
    assert.deepEqual(
      [s.files, s.records, s.errors, s.ignored, s.skipped, s.from, s.to],
      [1, 18, 16, 1, 1, at('09:00:00.000'), at('16:00:00.000')],
    );
    assert.deepEqual(sortBy(s.by_provider, (x) => x.provider), [
      { provider: 'anthropic', errors: 6 },
      { provider: 'deepseek', errors: 1 },
      { provider: 'gemini', errors: 5 },
      { provider: 'openai', errors: 3 },
      { provider: 'zai', errors: 1 },
    ]);
    assert.deepEqual(sortBy(s.by_type, (x) => String(x.error_type)), [
      { error_type: 'auth_error', errors: 3 },
      { error_type: 'network_error', errors: 5 },
      { error_type: 'rate_limit', errors: 7 },
      { error_type: 'server_error', errors: 1 },
    ]);
  });
  test('rate_limit_spikes: per UTC hour, most first, ties by provider then hour', () => {
    assert.deepEqual(r.rate_limit_spikes, [
      { provider: 'gemini', hour: '2026-11-20T14:00:00Z', count: 4, throttled: 4, quota: 0, spike: false },
      { provider: 'gemini', hour: '2026-11-20T15:00:00Z', count: 1, throttled: 1, quota: 0, spike: false },
      { provider: 'openai', hour: '2026-11-20T13:00:00Z', count: 1, throttled: 1, quota: 0, spike: false },
      { provider: 'openai', hour: '2026-11-20T14:00:00Z', count: 1, throttled: 1, quota: 0, spike: false },
    ]);
  });
  test('auth_failures: by redacted message, most first', () => {
    assert.deepEqual(r.auth_failures, [
      { provider: 'anthropic', message: 'invalid x-api-key', count: 2 },
      { provider: 'openai', message: 'Incorrect API key provided: [REDACTED]. You can find your API key at https://platform.openai.com/account/api-keys.', count: 1 },
    ]);
  });
  test('network_errors: avg_retries over rows with a retry_count, 2 places', () => {
    assert.deepEqual(sortBy(r.network_errors, (x) => x.provider), [
      { provider: 'anthropic', avg_retries: 1.67, total: 4 },
      { provider: 'deepseek', avg_retries: 2, total: 1 },
    ]);
  });
  test('recovery: events plus outcomes, success_rate to 4 places', () => {
    assert.deepEqual(sortBy(r.recovery, (x) => x.provider), [
      { provider: 'anthropic', recovered: 1, failed: 1, success_rate: 0.5 },
      { provider: 'gemini', recovered: 2, failed: 1, success_rate: 0.6667 },
    ]);
  });
  test('skipped_samples: file and line', () => {
    assert.deepEqual(r.skipped_samples.map((s) => [s.file, s.line]), [[data, BAD_LINE]]);
  });
  test('the planted key appears nowhere in the output', () => {
    assert.ok(!JSON.stringify(r).includes('FAKE1234567890'));
  });
});

describe('output formats', () => {
  test('analyze --format csv parses (RFC 4180), every row as wide as the header, holds the findings', () => {
    const out = ok(['analyze', data, '--format', 'csv']);
    const rows = parseCsv(out);
    assert.ok(rows.length >= 2);
    const width = rows[0].length;
    for (const row of rows) assert.equal(row.length, width, `row ${JSON.stringify(row)}`);
    const header = rows[0];
    for (const col of ['provider', 'hour', 'count', 'message', 'avg_retries', 'total', 'recovered', 'failed', 'success_rate']) {
      assert.ok(header.includes(col), `CSV header lacks ${col}: ${header.join(',')}`);
    }
    const cell = (row: string[], col: string) => row[header.indexOf(col)];
    assert.ok(rows.some((row) => cell(row, 'provider') === 'gemini' && cell(row, 'hour') === '2026-11-20T14:00:00Z' && cell(row, 'count') === '4'));
    assert.ok(rows.some((row) => cell(row, 'provider') === 'anthropic' && cell(row, 'avg_retries') === '1.67' && cell(row, 'total') === '4'));
    assert.ok(rows.some((row) => cell(row, 'provider') === 'gemini' && cell(row, 'success_rate') === '0.6667'));
    assert.ok(rows.some((row) => cell(row, 'message')?.startsWith('Incorrect API key provided: [REDACTED].')));
  });
  test('analyze --format markdown has a table per analysis', () => {
    const out = ok(['analyze', data, '--format', 'markdown']);
    for (const header of ['| provider | hour | count |', '| provider | message | count |', '| provider | avg_retries | total |', '| provider | recovered | failed | success_rate |']) {
      const i = out.indexOf(header);
      assert.ok(i >= 0, `no table with header ${header}`);
      const next = out.slice(i + header.length).split('\n')[1];
      assert.match(next, /^\|(\s*:?-{3,}:?\s*\|)+$/, `separator under ${header}`);
    }
    assert.match(out, /^\| gemini \| 2026-11-20T14:00:00Z \| 4 \| 4 \| 0 \|  \|$/m);
    assert.ok(!ESCAPE.test(out));
  });
  test('analyze --format table (default) shows the findings, no escape codes on a pipe', () => {
    const out = ok(['analyze', data]);
    assert.match(out, /gemini.*2026-11-20T14:00:00Z.*4/);
    assert.match(out, /invalid x-api-key/);
    assert.ok(!ESCAPE.test(out), 'escape codes when stdout is not a terminal');
  });
  describe('sql', () => {
    let db: string;
    const Q = "SELECT provider, count(*) AS n FROM error_logs WHERE event = 'error' GROUP BY provider ORDER BY provider";
    before(() => {
      db = ingestTo([data]);
    });
    test('json', () => {
      assert.deepEqual(sqlJson(db, Q), [
        { provider: 'anthropic', n: 6 },
        { provider: 'deepseek', n: 1 },
        { provider: 'gemini', n: 5 },
        { provider: 'openai', n: 3 },
        { provider: 'zai', n: 1 },
      ]);
    });
    test('csv', () => {
      assert.deepEqual(parseCsv(ok(['sql', '--db', db, Q, '--format', 'csv'])), [
        ['provider', 'n'], ['anthropic', '6'], ['deepseek', '1'], ['gemini', '5'], ['openai', '3'], ['zai', '1'],
      ]);
    });
    test('csv quotes commas, quotes and line breaks', () => {
      const out = ok(['sql', '--db', db, `SELECT 'a,b' AS x, 'say "hi"' AS y, 'two' || char(10) || 'lines' AS z`, '--format', 'csv']);
      assert.deepEqual(parseCsv(out), [['x', 'y', 'z'], ['a,b', 'say "hi"', 'two\nlines']]);
    });
    test('markdown', () => {
      const out = ok(['sql', '--db', db, Q, '--format', 'markdown']);
      assert.match(out, /^\| provider \| n \|$/m);
      assert.match(out, /^\|(\s*:?-{3,}:?\s*\|){2}$/m);
      assert.match(out, /^\| anthropic \| 6 \|$/m);
    });
    test('table', () => {
      const out = ok(['sql', '--db', db, Q]);
      assert.match(out, /anthropic.*6/);
      assert.ok(!ESCAPE.test(out));
    });
    test('WITH ... SELECT is allowed', () => {
      assert.deepEqual(sqlJson(db, 'WITH x AS (SELECT count(*) AS n FROM error_logs) SELECT n FROM x'), [{ n: 18 }]);
    });
    test('says 1 row and 5 rows; markdown is the result alone, with no heading', () => {
      assert.match(ok(['sql', '--db', db, 'SELECT 1 AS one']), /^1 row$/m);
      assert.match(ok(['sql', '--db', db, Q]), /^5 rows$/m);
      const md = ok(['sql', '--db', db, Q, '--format', 'markdown']);
      assert.doesNotMatch(md, /^#/m);
      assert.match(md, /^\| provider \| n \|$/m);
    });
    test('bad syntax gets SQLite\'s own error, not a write refusal', () => {
      const r = run(['sql', '--db', db, 'SELEC 1']);
      assertOneLineError(r, /near "SELEC": syntax error/);
      assert.doesNotMatch(r.stderr, /read-only/);
    });
    // The error-analytics guide's queries, pasted as they are (PostgreSQL's DATE_TRUNC included).
    test("the guide's spike query runs verbatim and agrees with analyze's rate_limit_spikes", () => {
      const guide = `SELECT provider, DATE_TRUNC('hour', timestamp) as hour, COUNT(*) as rate_limit_count
        FROM error_logs WHERE error_type = 'rate_limit'
        GROUP BY provider, hour ORDER BY rate_limit_count DESC LIMIT 20;`;
      const rows = sqlJson(db, guide) as Array<{ provider: string; hour: string; rate_limit_count: number }>;
      const spikes = (analyzeJson([data]) as { rate_limit_spikes: Array<{ provider: string; hour: string; count: number }> }).rate_limit_spikes;
      const key = (r: { provider: string; hour: string }, n: number) => `${r.provider} ${r.hour} ${n}`;
      assert.ok(rows.length > 0);
      assert.deepEqual(rows.map((r) => key(r, r.rate_limit_count)).sort(), spikes.map((r) => key(r, r.count)).sort());
    });
    test('DATE_TRUNC: every unit, in UTC, as ISO 8601; NOW() in the stored form', () => {
      const t = "'2026-11-19T23:47:31.250+05:00'"; // 18:47:31.250Z on Thursday 19 November
      const units = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];
      const row = sqlJson(db, `SELECT ${units.map((u) => `date_trunc('${u}', ${t}) AS ${u}`).join(', ')}, date_trunc('hour', NULL) AS none, NOW() AS now`)[0];
      assert.deepEqual({ ...row, now: undefined }, {
        second: '2026-11-19T18:47:31Z', minute: '2026-11-19T18:47:00Z', hour: '2026-11-19T18:00:00Z', day: '2026-11-19T00:00:00Z',
        week: '2026-11-16T00:00:00Z', month: '2026-11-01T00:00:00Z', quarter: '2026-10-01T00:00:00Z', year: '2026-01-01T00:00:00Z',
        none: null, now: undefined,
      });
      assert.match(String(row.now), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assertOneLineError(run(['sql', '--db', db, "SELECT date_trunc('fortnight', timestamp) FROM error_logs"]), /unit must be one of/);
    });
  });
});

describe('--since / --until / --now', () => {
  test('ISO bounds: --since inclusive, --until exclusive, at exact millisecond boundaries', () => {
    const r = analyzeJson([data, '--since', '2026-11-20T14:00:00Z', '--until', '2026-11-20T15:00:00Z']);
    assert.deepEqual([r.summary.records, r.summary.errors, r.summary.from, r.summary.to], [5, 5, at('14:00:00.000'), at('14:59:59.999')]);
    assert.deepEqual(r.rate_limit_spikes, [
      { provider: 'gemini', hour: '2026-11-20T14:00:00Z', count: 4, throttled: 4, quota: 0, spike: false },
      { provider: 'openai', hour: '2026-11-20T14:00:00Z', count: 1, throttled: 1, quota: 0, spike: false },
    ]);
    assert.deepEqual(r.recovery, [{ provider: 'gemini', recovered: 2, failed: 1, success_rate: 0.6667 }]);
    assert.deepEqual(r.auth_failures, []);
    assert.deepEqual(r.network_errors, []);
    // ignored / skipped / files describe the whole ingest
    assert.deepEqual([r.summary.files, r.summary.ignored, r.summary.skipped], [1, 1, 1]);
  });
  test('a bound with an offset', () => {
    const r = analyzeJson([data, '--since', '2026-11-20T16:00:00+02:00', '--until', '2026-11-20T16:00:00.001+02:00']);
    assert.deepEqual([r.summary.records, r.summary.from], [1, at('14:00:00.000')]);
  });
  test('one millisecond later excludes the boundary row', () => {
    const r = analyzeJson([data, '--since', '2026-11-20T14:00:00.001Z', '--until', '2026-11-20T15:00:00.000Z']);
    assert.equal(r.summary.records, 4);
    assert.equal(r.summary.from, at('14:10:00.000'));
  });
  test('durations counted back from --now', () => {
    const r = analyzeJson([data, '--now', '2026-11-20T16:00:00Z', '--since', '2h', '--until', '1h']);
    assert.deepEqual([r.summary.records, r.summary.from, r.summary.to], [5, at('14:00:00.000'), at('14:59:59.999')]);
  });
  test('90m', () => {
    const r = analyzeJson([data, '--now', '2026-11-20T15:30:00Z', '--since', '90m']);
    assert.deepEqual([r.summary.records, r.summary.from, r.summary.to], [7, at('14:00:00.000'), at('16:00:00.000')]);
  });
  test('7d covers everything; 24h before the data covers nothing', () => {
    assert.equal(analyzeJson([data, '--now', '2026-11-21T00:00:00Z', '--since', '7d']).summary.records, 18);
    const none = analyzeJson([data, '--now', '2026-11-20T00:00:00Z', '--since', '48h', '--until', '24h']);
    assert.deepEqual([none.summary.records, none.summary.errors, none.summary.from, none.summary.to], [0, 0, null, null]);
    assert.deepEqual([none.rate_limit_spikes, none.auth_failures, none.network_errors, none.recovery], [[], [], [], []]);
  });
});

describe('--provider and --top', () => {
  test('--provider filters every analysis and the row counts', async () => {
    const r = await analyzeApi([data], { providers: ['gemini'] });
    assert.deepEqual([r.summary.records, r.summary.errors], [5, 5]);
    assert.deepEqual(r.summary.by_provider, [{ provider: 'gemini', errors: 5 }]);
    assert.deepEqual(r.rate_limit_spikes.map((x) => x.provider), ['gemini', 'gemini']);
    assert.deepEqual([r.auth_failures, r.network_errors], [[], []]);
    assert.deepEqual(r.recovery, [{ provider: 'gemini', recovered: 2, failed: 1, success_rate: 0.6667 }]);
  });
  test('--provider is repeatable', async () => {
    const r = await analyzeApi([data], { providers: ['gemini', 'anthropic'] });
    assert.deepEqual([r.summary.records, r.summary.errors], [13, 11]);
  });
  test('--provider takes a display label', async () => {
    const r = await analyzeApi([data], { providers: ['Z.AI'] });
    assert.deepEqual(r.summary.by_provider, [{ provider: 'zai', errors: 1 }]);
  });
  test('--top N limits rate_limit_spikes overall', async () => {
    assert.deepEqual((await analyzeApi([data], { top: 1 })).rate_limit_spikes, [{ provider: 'gemini', hour: '2026-11-20T14:00:00Z', count: 4, throttled: 4, quota: 0, spike: false }]);
    assert.deepEqual((await analyzeApi([data], { top: 2 })).rate_limit_spikes.map((x) => `${x.provider} ${x.hour}`), [
      'gemini 2026-11-20T14:00:00Z',
      'gemini 2026-11-20T15:00:00Z',
    ]);
  });
  test('network_errors: avg_retries is null when no row has a retry_count', async () => {
    const d = tmpDir();
    const f = writeFixture(d, 'net.jsonl', [flat('10:00:00.000', 'mistral', { error_message: NET }), flat('10:01:00.000', 'mistral', { error_message: NET })]);
    assert.deepEqual((await analyzeApi([f])).network_errors, [{ provider: 'mistral', avg_retries: null, total: 2 }]);
  });
  test('--top defaults to 20', () => {
    const d = tmpDir();
    const recs = Array.from({ length: 25 }, (_, h) => ({ timestamp: new Date(Date.UTC(2026, 10, 20, h)).toISOString(), provider: 'openai', status_code: 429, error_message: 'slow down' }));
    const r = analyzeJson([writeFixture(d, 'hours.jsonl', recs)]);
    assert.equal(r.rate_limit_spikes.length, 20);
    assert.equal(r.rate_limit_spikes[0].hour, '2026-11-20T00:00:00Z');
  });
});

describe('exit codes', () => {
  // Everything readable is read; each bad path is named; exit 2 (issue 13, item 3).
  test('analyze: missing path -> 2, one line naming it, no stack trace', () => {
    assertOneLineError(run(['analyze', join(dir, 'does-not-exist.jsonl')]), 'does-not-exist.jsonl: no such file or directory');
  });
  test('analyze: an empty directory -> exit 0, and stderr says no record was read', () => {
    const r = run(['analyze', tmpDir()]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'vtcode-errors: no record was read (0 files read)\n');
  });
  test('analyze: good paths and bad ones -> the report of the good ones, each bad one named, exit 2', () => {
    const r = run(['analyze', data, join(dir, 'nope', 'missing.jsonl'), join(dir, 'nomatch-*.jsonl'), '--format', 'json']);
    assert.equal(r.code, 2);
    {
      const lines = r.stderr.trim().split('\n');
      assert.deepEqual(lines, [
        `vtcode-errors: ${join(dir, 'nope', 'missing.jsonl')}: no such file or directory`,
        `vtcode-errors: ${join(dir, 'nomatch-*.jsonl')}: no file matches this pattern`,
      ]);
    }
    assert.deepEqual(JSON.parse(r.stdout), analyzeJson([data]));
  });
  test('ingest: missing path -> 2 and no store left behind; with a good path too -> its rows stored, exit 2', () => {
    const db = join(tmpDir(), 's.db');
    const r = run(['ingest', join(dir, 'does-not-exist.jsonl'), '--db', db]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /does-not-exist\.jsonl: no such file or directory/);
    assert.throws(() => statSync(db), 'a store with nothing in it is not created');
    const both = run(['ingest', join(dir, 'does-not-exist.jsonl'), data, '--db', db, '--format', 'json']);
    assert.equal(both.code, 2);
    assert.equal(JSON.parse(both.stdout).rows, (analyzeJson([data]) as { summary: { records: number } }).summary.records);
  });
  test('a directory of files not named like logs: analyze says how many it passed over, and how to read them', () => {
    const d = tmpDir();
    writeFixture(d, 'app.log.1', [{ timestamp: '2026-11-20T10:00:00Z', level: 'ERROR', provider: 'openai', error_message: 'x' }]);
    writeFixture(d, 'errors.txt', [{ timestamp: '2026-11-20T10:00:00Z', level: 'ERROR', provider: 'openai', error_message: 'x' }]);
    const r = run(['analyze', d]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /no record was read \(0 files read; 2 files in the directories were passed over by name .*name the others, or a glob/);
    assert.equal((analyzeJson([join(d, 'app.log.1'), join(d, 'errors.txt')]) as { summary: { records: number } }).summary.records, 2, 'named, they are read');
  });
  test('analyze --db FILE with no paths analyses the store; a missing FILE -> 2, not created', () => {
    const db = ingestTo([data]);
    assert.deepEqual(JSON.parse(ok(['analyze', '--db', db, '--format', 'json'])), analyzeJson([data]));
    const missing = join(tmpDir(), 'none.db');
    assertOneLineError(run(['analyze', '--db', missing]), /no paths given and --db .* does not exist/);
    assert.throws(() => statSync(missing));
  });
  test('analyze: no paths -> 2', () => assert.equal(run(['analyze']).code, 2));
  test('ingest: no --db -> 2', () => assert.equal(run(['ingest', data]).code, 2));
  test('--db that is not a database -> 2, one line, the file untouched; --db in a missing directory -> 2', () => {
    const d = tmpDir();
    const notDb = writeFixture(d, 'notes.jsonl', jsonl(DATA.slice(0, 3)));
    const before = readFileSync(notDb);
    assertOneLineError(run(['analyze', data, '--db', notDb]), 'notes.jsonl');
    assertOneLineError(run(['sql', '--db', notDb, 'SELECT 1']), 'notes.jsonl');
    assert.ok(readFileSync(notDb).equals(before), 'the file was changed');
    assertOneLineError(run(['ingest', data, '--db', join(d, 'no', 'such', 'dir', 's.db')]));
  });
  test('unknown --format -> 2', () => {
    assert.equal(run(['analyze', data, '--format', 'xml']).code, 2);
  });
  test('--strict with a malformed line -> 2, naming file:line (analyze)', () => {
    const r = run(['analyze', data, '--strict']);
    assertOneLineError(r, `${data}:${BAD_LINE}`);
  });
  test('--strict with a malformed line -> 2, naming file:line (ingest)', () => {
    const r = run(['ingest', data, '--strict', '--db', join(tmpDir(), 's.db')]);
    assertOneLineError(r, `${data}:${BAD_LINE}`);
  });
  test('--strict with an error record without a timestamp -> 2 naming file:line', () => {
    const d = tmpDir();
    const f = writeFixture(d, 'nots.jsonl', [{ timestamp: at('10:00:00.000'), level: 'ERROR', provider: 'openai', message: 'x' }, { level: 'ERROR', provider: 'openai', message: 'x' }]);
    assertOneLineError(run(['analyze', f, '--strict']), `${f}:2`);
  });
  test('--since not before --until is a usage error, for analyze and check', () => {
    assertOneLineError(run(['analyze', data, '--since', '2026-11-21T00:00:00Z', '--until', '2026-11-20T00:00:00Z']), /--since .* is not before --until/);
    assertOneLineError(run(['check', data, '--since', '1h', '--until', '2h']), /--since 1h is not before --until 2h/);
  });
  for (const [flag, value] of [['--since', 'yesterday'], ['--until', '2026-13-45'], ['--now', 'noon']]) {
    test(`bad ${flag} ${value} -> 2, one line`, () => assertOneLineError(run(['analyze', data, flag, value]), flag));
  }
  describe('sql', { concurrency: true }, () => {
    let db: string;
    let before0: { count: number; version: number; tables: string; bytes: Buffer };
    const snapshot = () => {
      const h = openDb(db);
      try {
        return {
          count: h.prepare('SELECT count(*) FROM error_logs').pluck().get() as number,
          version: h.pragma('user_version', { simple: true }) as number,
          tables: JSON.stringify(h.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all()),
          bytes: readFileSync(db),
        };
      } finally {
        h.close();
      }
    };
    before(() => {
      db = ingestTo([data]);
      before0 = snapshot();
    });
    const writes = [
      "INSERT INTO error_logs (timestamp, provider, event) VALUES ('2026-01-01T00:00:00.000Z', 'x', 'error')",
      'DELETE FROM error_logs',
      'DROP TABLE error_logs',
      'PRAGMA writable_schema=1',
      "ATTACH DATABASE 'other.db' AS other",
      'SELECT 1; DELETE FROM error_logs',
      'WITH x AS (SELECT 1) DELETE FROM error_logs',
    ];
    for (const q of writes) {
      test(`write attempt refused -> 2, db unchanged: ${q}`, async () => {
        const r = await runAsync(['sql', '--db', db, q], { cwd: tmpDir() });
        assertOneLineError(r);
        const now = snapshot();
        assert.deepEqual([now.count, now.version, now.tables], [before0.count, before0.version, before0.tables]);
        assert.ok(now.bytes.equals(before0.bytes), 'database file changed');
      });
    }
    test('bad statement -> 2, one line naming the problem', () => {
      assertOneLineError(run(['sql', '--db', db, 'SELECT no_such_column FROM error_logs']), /no_such_column/);
    });
    test('missing database -> 2 and no file created', () => {
      const missing = join(tmpDir(), 'missing.db');
      assertOneLineError(run(['sql', '--db', missing, 'SELECT 1']));
      assert.throws(() => statSync(missing));
    });
  });
});

// Output fits the terminal (issue 13, item 7): run under a pseudo-terminal 80 columns wide (script(1)).
describe('an 80-column terminal', () => {
  const onTerminal = (args: string[]): string => {
    const cmd = `stty cols 80; ${[process.execPath, BIN, ...args, '--no-color'].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')}`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    return r.stdout.replace(/\r/g, '').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  };
  const tooWide = (text: string) => text.split('\n').filter((l) => [...l].length > 80);
  test('analyze, check and a wide sql query fit it; piped output keeps its natural width', () => {
    const db = ingestTo([data]);
    for (const args of [['analyze', 'examples/logs'], ['check', 'examples/logs'], ['sql', '--db', db, 'SELECT * FROM error_logs LIMIT 3']]) {
      const out = onTerminal(args);
      assert.ok(out.split('\n').length > 5, `${args[0]} printed little: ${out}`);
      assert.deepEqual(tooWide(out), [], `${args.join(' ')}: lines over 80 columns`);
    }
    // Too many columns for 80: each row on its own, column and value.
    assert.match(onTerminal(['sql', '--db', db, 'SELECT * FROM error_logs LIMIT 1']), /row 1\n.*\n│ id +│ 1 +│\n│ timestamp +│ 20/);
    const piped = ok(['analyze', 'examples/logs']);
    assert.ok(tooWide(piped).length > 0, 'piped output is not cut to a terminal');
  });
});

describe('a binary file (issue 13, item 16)', () => {
  test('is one skip, "not a text file", found from a NUL byte in its first kilobyte; --strict: exit 2 naming it', () => {
    const d = tmpDir();
    const binary = Buffer.alloc(4096);
    for (let i = 0; i < binary.length; i++) binary[i] = i % 7 === 0 ? 10 : i % 5 === 0 ? 0 : 65 + (i % 26);
    const file = writeFixture(d, 'core.jsonl', binary);
    const gz = writeFixture(d, 'core.jsonl.gz', gzipSync(binary));
    for (const f of [file, gz]) {
      const r = analyzeJson([f]) as { summary: { records: number; skipped: number }; skipped_samples: unknown[] };
      assert.deepEqual([r.summary.records, r.summary.skipped], [0, 1]);
      assert.deepEqual(r.skipped_samples, [{ file: f, line: 1, reason: 'not a text file' }]);
    }
    assertOneLineError(run(['analyze', file, '--strict']), `${file}:1: not a text file`);
    const db = join(d, 'b.db');
    assert.equal(JSON.parse(ok(['ingest', file, '--db', db, '--format', 'json'])).skipped, 1);
    const again = JSON.parse(ok(['ingest', file, '--db', db, '--format', 'json']));
    assert.deepEqual([again.added, again.skipped], [0, 1], 'read once, counted once');
    // A NUL byte further on is an ordinary bad line.
    const late = writeFixture(d, 'late.jsonl', Buffer.concat([Buffer.from(`${JSON.stringify({ timestamp: '2026-11-20T10:00:00Z', level: 'ERROR', provider: 'openai', error_message: 'x', pad: 'p'.repeat(1100) })}\n`), Buffer.from([0, 10])]));
    const r = analyzeJson([late]) as { summary: { records: number; skipped: number } };
    assert.deepEqual([r.summary.records, r.summary.skipped], [1, 1]);
  });
});

describe('--provider naming no row (issue 13, item 15)', () => {
  const warning = "vtcode-errors: no row has provider 'geminii'; the providers present: anthropic, deepseek, gemini, openai, zai\n";
  test('one-shot (in place and in workers) and --db say so on stderr, with the providers present; exit 0', () => {
    for (const env of [{ VTCODE_ERRORS_WORKERS: '0' }, { VTCODE_ERRORS_WORKERS: '2' }]) {
      const r = run(['analyze', data, '--provider', 'geminii', '--provider', 'openai'], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, warning);
    }
    const db = join(tmpDir(), 'p.db');
    const r = run(['analyze', data, '--provider', 'geminii', '--db', db]);
    assert.equal(r.stderr, warning);
    assert.equal(run(['analyze', data, '--provider', 'gemini']).stderr, '', 'a provider that is there: no warning');
  });
});

describe('usage errors', () => {
  test('one line, then where to look: not the whole help', () => {
    for (const [args, see] of [
      [['analyze', data, '--format', 'xml'], "see 'vtcode-errors analyze --help'"],
      [['check', data, '--bogus'], "see 'vtcode-errors check --help'"],
      [['bogus'], "see 'vtcode-errors --help'"],
    ] as const) {
      const r = run([...args]);
      assert.equal(r.code, 2);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 2, r.stderr);
      assert.match(lines[0], /^error: /);
      assert.equal(lines[1], see);
      assert.doesNotMatch(r.stderr, /Usage:/);
    }
  });
  test('--now takes an ISO 8601 time only, as its help says', () => {
    assertOneLineError(run(['analyze', data, '--now', '2h']), /--now 2h: expected an ISO 8601 time/);
    assert.equal(run(['analyze', data, '--now', '2026-11-21T00:00:00Z', '--since', '24h', '--format', 'json']).code, 0);
  });
});

describe('--help', () => {
  const commands = (() => {
    const out = ok(['--help']);
    const section = out.slice(out.indexOf('Commands:'));
    return [...section.matchAll(/^ {2}([a-z][a-z-]+)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
  })();
  test('lists analyze, ingest and sql', () => {
    for (const c of ['analyze', 'ingest', 'sql']) assert.ok(commands.includes(c), `--help lacks ${c}: ${commands.join(', ')}`);
  });
  for (const c of commands) {
    test(`${c} --help shows an example`, () => {
      const r = run([c, '--help']);
      assert.equal(r.code, 0);
      const at = r.stdout.search(/example/i);
      assert.ok(at >= 0, `no example in ${c} --help`);
      assert.match(r.stdout.slice(at), new RegExp(`vtcode-errors ${c} \\S`), `an example command line for ${c}`);
    });
  }
});

describe('colour', () => {
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  // Runs the CLI on a pseudo-terminal (util-linux `script`), so that stdout is a TTY.
  const onTty = (args: string[], env: Record<string, string> = {}) => {
    const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const e: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete e.FORCE_COLOR;
    if (!('NO_COLOR' in env)) delete e.NO_COLOR;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: e, input: '' });
    return r.stdout;
  };
  test('on a terminal: colour; NO_COLOR or --no-color: none', { skip: !hasScript && 'util-linux script not installed' }, () => {
    assert.ok(ESCAPE.test(onTty(['analyze', data])), 'colour on a terminal');
    assert.ok(!ESCAPE.test(onTty(['analyze', data], { NO_COLOR: '1' })), 'NO_COLOR=1');
    assert.ok(!ESCAPE.test(onTty(['analyze', data, '--no-color'])), '--no-color');
  });
});

describe('stdin and gzip', () => {
  const text = jsonl(DATA);
  test('- reads stdin (plain)', () => {
    const r = JSON.parse(ok(['analyze', '-', '--format', 'json'], { input: text })) as AnalyzeReport;
    assert.deepEqual([r.summary.files, r.summary.records, r.summary.errors, r.summary.skipped], [1, 18, 16, 1]);
  });
  test('- reads gzip piped to stdin', () => {
    const r = JSON.parse(ok(['analyze', '-', '--format', 'json'], { input: gzipSync(Buffer.from(text)) })) as AnalyzeReport;
    assert.deepEqual([r.summary.records, r.summary.errors, r.summary.skipped], [18, 16, 1]);
  });
  test('gzip detected by magic bytes, whatever the name; a plain file named .gz read as plain; multi-member gzip read whole', async () => {
    const d = tmpDir();
    // each file gets its own provider, so that rows can be told apart (and no two files share content)
    const variant = (p: string) => text.replaceAll('"provider":"', `"provider":"${p}-`);
    const lines = variant('multi').split('\n');
    const files = {
      'errors.jsonl': gzipSync(variant('gzplainname')),
      'errors.data': gzipSync(variant('gzoddname')),
      'errors2.log.gz': gzipSync(variant('gzname')),
      'plain.jsonl.gz': variant('plaingz'),
      'multi.jsonl.gz': Buffer.concat([gzipSync(lines.slice(0, 10).join('\n') + '\n'), gzipSync(lines.slice(10).join('\n'))]),
    };
    const paths = Object.keys(files).map((f) => writeFixture(d, f, files[f as keyof typeof files]));
    const db = join(d, 's.db');
    const r = await analyzeApi(paths, { db });
    assert.deepEqual([r.summary.files, r.summary.records, r.summary.errors, r.summary.skipped], [5, 90, 80, 5]);
    const h = openDb(db);
    try {
      const per = h.prepare("SELECT substr(source, 1, instr(source, ':') - 1) AS f, count(*) AS n FROM error_logs GROUP BY f ORDER BY f").all();
      assert.deepEqual(per, [...paths].sort().map((f) => ({ f, n: 18 })));
    } finally {
      h.close();
    }
  });
});

describe('directory walk and globs', () => {
  let root: string;
  let outside: string;
  const one = (id: string) => [{ timestamp: at('10:00:00.000'), level: 'ERROR', provider: 'openai', error_message: 'boom', request_id: id }];
  before(() => {
    root = tmpDir();
    outside = tmpDir();
    writeFixtures(root, {
      'a.jsonl': one('a.jsonl'),
      'b.ndjson': one('b.ndjson'),
      'c.json': one('c.json'),
      'd.log': one('d.log'),
      'e.jsonl.gz': gzipSync(jsonl(one('e.jsonl.gz'))),
      'f.ndjson.gz': gzipSync(jsonl(one('f.ndjson.gz'))),
      'g.json.gz': gzipSync(jsonl(one('g.json.gz'))),
      'h.log.gz': gzipSync(jsonl(one('h.log.gz'))),
      'sub/deeper/i.jsonl': one('sub/deeper/i.jsonl'),
      '.vtcode/sessions/session-1.json': JSON.stringify({ metadata: { provider: 'anthropic', model: 'claude-sonnet-4-5' }, error_logs: [{ timestamp: at('10:00:00.000'), level: 'ERROR', message: 'x', request_id: '.vtcode/session' }] }, null, 2),
      '.hidden/j.log': one('.hidden/j.log'),
      '.git/k.jsonl': one('.git/k.jsonl'),
      'node_modules/pkg/l.jsonl': one('node_modules/l.jsonl'),
      'sub/node_modules/m.jsonl': one('sub/node_modules/m.jsonl'),
      'notes.txt': one('notes.txt'),
      'errors.jsonl.bak': one('errors.jsonl.bak'),
      'data.csv': one('data.csv'),
    });
    writeFixtures(outside, { 'o.jsonl': one('outside-file'), 'dir/p.jsonl': one('outside-dir') });
    symlinkSync(join(outside, 'o.jsonl'), join(root, 'link.jsonl'));
    symlinkSync(join(outside, 'dir'), join(root, 'linked-dir'));
  });
  const WALKED = ['a.jsonl', 'b.ndjson', 'c.json', 'd.log', 'e.jsonl.gz', 'f.ndjson.gz', 'g.json.gz', 'h.log.gz', 'sub/deeper/i.jsonl', '.vtcode/session', '.hidden/j.log'];
  test('walk: recursive, dot-directories in, .git / node_modules / symlinks / other extensions out', async () => {
    const db = join(tmpDir(), 's.db');
    const r = await analyzeApi([root], { db });
    const ids = allRows(db).map((x) => x.request_id).sort();
    assert.deepEqual(ids, [...WALKED].sort());
    assert.equal(r.summary.files, WALKED.length);
    assert.equal(r.summary.records, WALKED.length);
  });
  test('a file named on the command line is read whatever its name', async () => {
    const db = join(tmpDir(), 's.db');
    const r = await analyzeApi([join(root, 'notes.txt'), join(root, 'data.csv'), join(root, 'errors.jsonl.bak')], { db });
    assert.deepEqual(allRows(db).map((x) => x.request_id).sort(), ['data.csv', 'errors.jsonl.bak', 'notes.txt']);
    assert.equal(r.summary.files, 3);
  });
  test('glob patterns (expanded by the CLI, not the shell)', async () => {
    const db = join(tmpDir(), 's.db');
    await analyzeApi([join(root, '*.jsonl'), join(root, 'sub/**/i.jsonl')], { db });
    assert.deepEqual(allRows(db).map((x) => x.request_id).sort(), ['a.jsonl', 'sub/deeper/i.jsonl']);
  });
  test('glob with braces over gz and plain', async () => {
    const db = join(tmpDir(), 's.db');
    await analyzeApi([join(root, '{d.log,h.log.gz}')], { db });
    assert.deepEqual(allRows(db).map((x) => x.request_id).sort(), ['d.log', 'h.log.gz']);
  });
});

describe('examples/logs (the README\'s first command)', () => {
  test('every analysis has findings; all shapes, the .gz and the session are read; the planted key is redacted', () => {
    const db = join(tmpDir(), 's.db');
    const out = ok(['analyze', 'examples/logs', '--format', 'json', '--db', db]);
    assert.ok(!out.includes('sk-proj-FAKEa1b2'), 'planted key in the output');
    assert.ok(!out.includes('AIzaSyFAKE'), 'planted key in the output');
    const r = JSON.parse(out) as AnalyzeReport;
    assert.ok(r.summary.files >= 7, `files: ${r.summary.files}`);
    assert.ok(r.summary.records >= 200, `records: ${r.summary.records}`);
    assert.ok(r.summary.ignored > 0);
    assert.equal(r.summary.skipped, 2);
    for (const k of ['rate_limit_spikes', 'auth_failures', 'network_errors', 'recovery'] as const) assert.ok(r[k].length > 0, `${k} has no findings`);
    assert.deepEqual([r.rate_limit_spikes[0].provider, r.rate_limit_spikes[0].hour], ['gemini', '2026-11-20T14:00:00Z']);
    assert.ok(r.rate_limit_spikes[0].count >= 40);
    assert.ok(r.summary.from! >= '2026-11-19T00:00:00.000Z' && r.summary.to! < '2026-11-21T00:00:00.000Z');
    assert.ok(new Set(r.auth_failures.map((a) => a.message)).size >= 2, 'two different auth messages');
    assert.ok(r.auth_failures.some((a) => a.message?.includes('[REDACTED]')));
    assert.ok(r.network_errors.some((n) => n.avg_retries !== null));
    assert.ok(r.recovery.some((x) => x.recovered > 0) && r.recovery.some((x) => x.failed > 0));
    const h = openDb(db);
    try {
      const sources = h.prepare("SELECT DISTINCT substr(source, 1, instr(source, ':') - 1) FROM error_logs").pluck().all() as string[];
      for (const part of ['.gz', '/.vtcode/sessions/session-', '/.vtcode/logs/trajectory.jsonl', '/tracing/', '/exports/', '/providers/raw-failures.jsonl', '/vtcode-errors.jsonl']) {
        assert.ok(sources.some((s) => s.includes(part)), `no rows from ${part}: ${sources.join(', ')}`);
      }
      const events = h.prepare('SELECT DISTINCT event FROM error_logs ORDER BY 1').pluck().all();
      assert.deepEqual(events, ['error', 'failed', 'fallback', 'recovered', 'retry']);
      const raw = readFileSync(db).toString('latin1');
      assert.ok(!raw.includes('sk-proj-FAKEa1b2') && !raw.includes('AIzaSyFAKE'), 'planted key in the database file');
    } finally {
      h.close();
    }
  });
  test('examples/make-examples.mjs regenerates exactly the committed files', () => {
    const d = tmpDir();
    copyFileSync(join(ROOT, 'examples', 'make-examples.mjs'), join(d, 'make-examples.mjs'));
    const r = spawnSync(process.execPath, [join(d, 'make-examples.mjs')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const list = (root: string, sub = ''): string[] =>
      readdirSync(join(root, sub), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? list(root, join(sub, e.name)) : [join(sub, e.name)]))
        .sort();
    const mine = list(join(d, 'logs'));
    assert.deepEqual(mine, list(join(ROOT, 'examples', 'logs')));
    for (const f of mine) assert.ok(readFileSync(join(d, 'logs', f)).equals(readFileSync(join(ROOT, 'examples', 'logs', f))), `${f} differs`);
  });
});
