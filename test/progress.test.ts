// The progress line (issue 13, item 11): on a terminal only, "rows read" when nothing is kept, a
// percentage and an ETA when the input's size is known (a gzip file's compressed bytes), never wider
// than the terminal, and shown during `check`'s backtest too. The CLI runs under a pseudo-terminal
// (util-linux script), with VTCODE_ERRORS_PROGRESS_DELAY_MS=0 so that a few MB are enough to draw it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { backtest } from '../src/check/backtest.js';
import { inputFromRows } from '../src/check/events.js';
import { defaultConfig } from '../src/config/types.js';
import { formatBytes, formatDuration, progressLine, readingText } from '../src/render/progress.js';
import { BIN, ROOT, run, tmpDir } from './helpers.js';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const noScript = !hasScript && 'util-linux script not installed';
const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** `n` error records, one a second from `start` (epoch seconds), four providers. */
function records(n: number, start = Date.parse('2026-11-19T00:00:00Z')): string {
  const providers = ['openai', 'anthropic', 'gemini', 'mistral'];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify({
      timestamp: new Date(start + i * 1000).toISOString(), level: 'ERROR', provider: providers[i % 4], error_type: 'rate_limit',
      status_code: 429, error_message: `Rate limit exceeded, please retry after 20s (${i})`, retry_count: i % 3, request_id: `req_${i}`,
      status: i % 2 ? 'recovered' : 'failed',
    }));
  }
  return lines.join('\n') + '\n';
}

/** A temp dir with one JSONL file of `n` records (~250 bytes each). */
function logDir(n = 24_000): { dir: string; file: string } {
  const dir = tmpDir('vtce-progress-');
  const file = join(dir, 'app.jsonl');
  writeFileSync(file, records(n));
  return { dir, file };
}

/** Run the CLI on a pseudo-terminal `cols` wide, stdout to `out` (a file); gives what the terminal got (stderr). */
function onTerminal(args: string[], out: string, opts: { cols?: number; stdin?: string; exit?: number } = {}): string {
  const cmd = `stty cols ${opts.cols ?? 80}; ${[process.execPath, BIN, ...args].map(quote).join(' ')} > ${quote(out)}${opts.stdin ? ` < ${quote(opts.stdin)}` : ''}`;
  const env: NodeJS.ProcessEnv = { ...process.env, VTCODE_ERRORS_PROGRESS_DELAY_MS: '0' };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'DEBUG', 'NODE_OPTIONS']) delete env[k];
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env, input: '', timeout: 120_000 });
  assert.equal(r.status, opts.exit ?? 0, `exit status: ${r.stdout}`);
  return r.stdout;
}

/** Every state the terminal line went through: split at CR and LF, escapes dropped, blanks left out. */
const drawn = (term: string): string[] =>
  term.split(/\r|\n/).map((l) => l.replace(ANSI, '')).filter((l) => l.trim() !== '');
const widest = (lines: string[]) => Math.max(0, ...lines.map((l) => [...l].length));

const READING = /^(\d+)% · (\S+ \S+) of (\S+ \S+) · ([\d,]+) rows (read|stored)( · ETA \d+:\d\d)?$/;

describe('the progress line text', () => {
  const p = { files: 3, bytes: 1.2 * 1024 ** 3, passed: 0, rows: 812_345, total: 2.9 * 1024 ** 3 };
  test('known size: percentage, bytes of total, rows, and an ETA only after a second', () => {
    // 1.2 GB in 5 s: 1.7 GB left at 0.24 GB/s is 7.08 s, shown rounded up.
    assert.equal(readingText(p, 'read', 5000), '41% · 1.2 GB of 2.9 GB · 812,345 rows read · ETA 0:08');
    assert.equal(readingText(p, 'stored', 900), '41% · 1.2 GB of 2.9 GB · 812,345 rows stored');
    // Bytes found read already (an earlier run's) are done, but not counted in the rate.
    assert.equal(readingText({ ...p, passed: 0.6 * 1024 ** 3 }, 'read', 5000), '41% · 1.2 GB of 2.9 GB · 812,345 rows read · ETA 0:15');
    assert.equal(readingText({ ...p, bytes: 3 * 1024 ** 3 }, 'read', 5000), '100% · 3.0 GB of 2.9 GB · 812,345 rows read · ETA 0:00');
  });
  test('unknown size (stdin, a pipe): no percentage, no ETA', () => {
    assert.equal(readingText({ ...p, files: 1, total: null }, 'read', 4000), '1 file · 1.2 GB · 307.2 MB/s · 812,345 rows read');
  });
  test('bytes and durations', () => {
    assert.deepEqual([0, 1023, 1024, 1536 * 1024, 5 * 1024 ** 4].map(formatBytes), ['0 B', '1023 B', '1.0 kB', '1.5 MB', '5.0 TB']);
    assert.deepEqual([0, 7.1, 59.5, 61, 3600, 3725].map(formatDuration), ['0:00', '0:08', '1:00', '1:01', '1:00:00', '1:02:05']);
  });
  test('drawn no wider than the terminal less a column; after the first-draw delay only; cleared by done()', () => {
    const writes: string[] = [];
    const sink = Object.assign(new Writable({ write: (c, _e, cb) => (writes.push(String(c)), cb()) }), { columns: 30 }) as unknown as NodeJS.WriteStream;
    const saved = process.env.VTCODE_ERRORS_PROGRESS_DELAY_MS;
    try {
      delete process.env.VTCODE_ERRORS_PROGRESS_DELAY_MS;
      progressLine(true, 'read', sink).update(p); // within the default first second: nothing
      assert.deepEqual(writes, []);
      process.env.VTCODE_ERRORS_PROGRESS_DELAY_MS = '0';
      progressLine(false, 'read', sink).note('not on a terminal');
      assert.deepEqual(writes, []);
      const line = progressLine(true, 'read', sink);
      line.update(p);
      line.note('backtest: alert 1 of 8'); // within 100 ms of the last draw: not drawn
      line.done();
      line.note('backtest: alert 2 of 8'); // a new stage after done(): at once
      assert.deepEqual(writes, ['\r\x1b[K41% · 1.2 GB of 2.9 GB · 812,', '\r\x1b[K', '\r\x1b[Kbacktest: alert 2 of 8']);
    } finally {
      if (saved === undefined) delete process.env.VTCODE_ERRORS_PROGRESS_DELAY_MS;
      else process.env.VTCODE_ERRORS_PROGRESS_DELAY_MS = saved;
    }
  });
  test('backtest tells each alert and provider before evaluating it', () => {
    // Stored rows' fields: every record an error of its provider.
    const rows = records(50).trim().split('\n').map((l) => ({ ...(JSON.parse(l) as object), event: 'error', outcome: null }));
    const input = inputFromRows(rows as never);
    const told: string[] = [];
    const result = backtest(input, defaultConfig(), { since: null, until: null }, (n, of) => told.push(`${n}/${of}`));
    assert.ok(result.pairs.length > 4, `pairs: ${result.pairs.length}`);
    assert.deepEqual(told, result.pairs.map((_, i) => `${i + 1}/${result.pairs.length}`));
  });
});

describe('analyze on a terminal', { skip: noScript }, () => {
  test('one-shot: a percentage of the file size and "rows read", no line over 80 columns, the report unchanged', () => {
    const { dir, file } = logDir();
    const out = join(dir, 'out.json');
    const lines = drawn(onTerminal(['analyze', dir, '--format', 'json'], out));
    const reading = lines.map((l) => l.match(READING)).filter((m) => m !== null);
    assert.ok(reading.length >= 2, `progress drawn: ${JSON.stringify(lines)}`);
    for (const m of reading) {
      assert.equal(m[5], 'read', 'a one-shot run keeps nothing: "rows read"');
      assert.equal(m[3], formatBytes(statSync(file).size), 'the total is the file size');
    }
    const pct = reading.map((m) => Number(m[1]));
    assert.deepEqual(pct, [...pct].sort((a, b) => a - b), 'the percentage only grows');
    assert.ok(pct[0] < 100 && pct.at(-1)! > pct[0], `percentages: ${pct}`);
    assert.ok(widest(lines) <= 80, `a line over 80 columns: ${JSON.stringify(lines)}`);
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { summary: { records: number } }).summary.records, 24_000);
  });

  test('a narrow terminal: the line is cut to its width less a column', () => {
    const { dir } = logDir();
    const lines = drawn(onTerminal(['analyze', dir, '--format', 'json'], join(dir, 'out.json'), { cols: 30 }));
    assert.ok(lines.length > 0);
    assert.equal(widest(lines), 29, JSON.stringify(lines));
    assert.match(lines[0], /^\d+% · /);
  });

  test('gzip: the percentage is of the compressed size, from the compressed bytes consumed', () => {
    const dir = tmpDir('vtce-progress-');
    const gz = join(dir, 'app.jsonl.gz');
    writeFileSync(gz, gzipSync(records(40_000)));
    const lines = drawn(onTerminal(['analyze', gz, '--format', 'json'], join(dir, 'out.json')));
    const reading = lines.map((l) => l.match(READING)).filter((m) => m !== null);
    assert.ok(reading.length >= 2, JSON.stringify(lines));
    for (const m of reading) assert.equal(m[3], formatBytes(statSync(gz).size));
    assert.ok(Number(reading[0][1]) < 100, `the first draw is part way: ${reading[0][0]}`);
  });

  test('stdin: rows read, but no percentage and no ETA', () => {
    const { dir, file } = logDir();
    const lines = drawn(onTerminal(['analyze', '-', '--format', 'json'], join(dir, 'out.json'), { stdin: file }));
    assert.ok(lines.some((l) => /^1 file · \S+ \S+ · \S+ \S+\/s · [\d,]+ rows read$/.test(l)), JSON.stringify(lines));
    assert.ok(!lines.some((l) => /%|ETA/.test(l)), JSON.stringify(lines));
  });

  test('with --db: "rows stored"; a re-run of a grown file starts past what was stored', () => {
    const { dir, file } = logDir();
    const db = join(dir, 'store.db');
    const first = drawn(onTerminal(['analyze', file, '--db', db, '--format', 'json'], join(dir, 'out.json')));
    assert.ok(first.some((l) => READING.test(l) && l.includes('rows stored')), JSON.stringify(first));
    const stored = statSync(file).size;
    appendFileSync(file, records(12_000, Date.parse('2026-11-20T00:00:00Z')));
    const again = drawn(onTerminal(['analyze', file, '--db', db, '--format', 'json'], join(dir, 'out.json')));
    const m = again.map((l) => l.match(READING)).find((x) => x !== null);
    assert.ok(m, JSON.stringify(again));
    assert.ok(Number(m[1]) >= Math.floor((100 * stored) / statSync(file).size), `first draw ${m[0]}: the stored two thirds count as done`);
  });

  test('not a terminal: no progress at all', () => {
    const { dir } = logDir();
    const r = run(['analyze', dir, '--format', 'json'], { env: { VTCODE_ERRORS_PROGRESS_DELAY_MS: '0' } });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });
});

describe('check on a terminal', { skip: noScript }, () => {
  test('reading the logs, then the backtest, alert by alert; no line over 80 columns', () => {
    const { dir, file } = logDir();
    const out = join(dir, 'check.json');
    const lines = drawn(onTerminal(['check', file, '--format', 'json'], out, { exit: 1 })); // (alerts fire on this data)
    const reading = lines.map((l) => l.match(READING)).filter((m) => m !== null);
    assert.ok(reading.length >= 2 && reading.every((m) => m[5] === 'read'), JSON.stringify(lines));
    const alerts = (JSON.parse(readFileSync(out, 'utf8')) as { alerts: unknown[] }).alerts.length;
    assert.ok(alerts > 4, `alerts: ${alerts}`);
    assert.ok(lines.includes('backtest: reading the events'), JSON.stringify(lines));
    assert.ok(lines.includes(`backtest: alert 1 of ${alerts}`), JSON.stringify(lines));
    assert.ok(widest(lines) <= 80, JSON.stringify(lines));
  });

  test('not a terminal: no progress at all', () => {
    const { file } = logDir();
    const r = run(['check', file, '--format', 'json'], { env: { VTCODE_ERRORS_PROGRESS_DELAY_MS: '0' } });
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /%|rows read|backtest:|\r/);
  });
});
