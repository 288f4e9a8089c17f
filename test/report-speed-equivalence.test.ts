// The fast report (issue 15: under 2x `analyze`) gives what the store-backed one gave: a one-shot run
// (rows tallied as they are parsed, twins joined in memory) equals --db (one query over the store), and
// the suggested threshold found from every threshold's episode count at once equals the search that
// ran check's backtest at each value seen.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { episodesAtThresholds, evaluateSeries, type Condition } from '../src/check/backtest.js';
import { inputFromRows } from '../src/check/events.js';
import { firstAllowed } from '../src/report/alerts.js';
import type { PeriodReport } from '../src/report/build.js';
import { alertValues } from '../src/report/values.js';
import { jsonl, ROOT, run, tmpDir } from './helpers.js';
import { records, UNTIL } from './report-support.js';

const dir = tmpDir('vtce-report-speed-');
after(() => rmSync(dir, { recursive: true, force: true }));

function report(args: string[]): PeriodReport {
  const r = run(['report', ...args, '--format', 'json', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PeriodReport;
}

describe('one-shot and --db', () => {
  test('VT Code artifacts with twins: the same report from memory, a fresh store, and the store alone', () => {
    const fixture = join(ROOT, 'test', 'fixtures', 'vtcode');
    for (const [period, until] of [['week', '2026-11-21T00:00:00Z'], ['day', '2026-11-20T15:00:00Z']]) {
      const db = join(dir, `vtcode-${period}.db`);
      const oneShot = report([fixture, '--period', period, '--until', until]);
      const stored = report([fixture, '--db', db, '--period', period, '--until', until]);
      const storeOnly = report(['--db', db, '--period', period, '--until', until]);
      // (A kept store leaves the cut-short last line of session B's debug log for the next run: not skipped yet.)
      assert.deepEqual(stored, { ...oneShot, ingest: { ...oneShot.ingest!, skipped: 0 } });
      assert.deepEqual(storeOnly, { ...oneShot, ingest: null });
      if (period === 'week') {
        // EXPECTED.md: 32 rows, 6 of them twins of another artifact's row: 26 records, 35 + 6 ignored, 11 errors.
        assert.deepEqual(oneShot.ingest, { files: 10, records: 26, ignored: 41, skipped: 1 });
        assert.equal(oneShot.trends.total.current, 11);
        assert.equal(oneShot.trends.by_provider.find((x) => x.provider === 'deepseek')?.current, 7);
      }
    }
  });

  test('rows long before the periods change nothing, whichever the period', () => {
    // The hand-built logs and, a month earlier, rows of a provider the periods never see.
    const log = join(dir, 'old-and-new.jsonl');
    const old = Array.from({ length: 30 }, (_, i) => ({ timestamp: `2026-09-${String(i + 1).padStart(2, '0')}T08:00:00Z`, provider: 'mistral', status_code: 503, error_message: 'Service unavailable' }));
    writeFileSync(log, jsonl([...old, ...records()]));
    for (const period of ['day', 'week', 'month']) {
      const db = join(dir, `old-${period}.db`);
      const oneShot = report([log, '--period', period, '--until', UNTIL]);
      assert.deepEqual(report([log, '--db', db, '--period', period, '--until', UNTIL]), oneShot, period);
      assert.ok(!oneShot.providers.includes('mistral'));
    }
    // The week: gemini's 240 errors against 160, as report.test.ts has them.
    const week = report([log, '--until', UNTIL]);
    assert.deepEqual(week.trends.by_provider.find((x) => x.provider === 'gemini'), { provider: 'gemini', current: 240, previous: 160, change_pct: 50, new: false });
  });
});

// A small reproducible random source.
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** Random bursts of events over six hours, evaluated every minute. */
function randomCase(rand: () => number, ratio: boolean) {
  const step = 60_000;
  const times: number[] = [];
  for (let b = 0, n = 1 + Math.floor(rand() * 8); b < n; b++) {
    const at = Math.floor(rand() * 6 * 3_600_000);
    const spread = Math.floor(rand() * 40 * 60_000) + 1;
    for (let k = 0, m = Math.floor(rand() * 120); k < m; k++) times.push(at + Math.floor(rand() * spread));
  }
  times.sort((a, b) => a - b);
  const series = { times, recovered: times.map(() => (rand() < 0.6 ? 1 : 0)) };
  const windowMs = [60_000, 120_000, 300_000, 900_000][Math.floor(rand() * 4)];
  const forMs = [0, 60_000, 120_000, 300_000, 600_000][Math.floor(rand() * 5)];
  const kind: Condition['kind'] = ratio ? 'ratio' : rand() < 0.5 ? 'increase' : 'rate';
  const minEvents = ratio ? Math.floor(rand() * 12) : 0;
  const values = alertValues(series, { kind, windowMs, minEvents }, 0, 6 * 3_600_000, step);
  const compare: Condition['compare'] = ratio ? 'below' : 'above';
  const candidates = [...values.histogram.keys()].sort((a, b) => (ratio ? b - a : a - b));
  const engine = (threshold: number) => evaluateSeries(series, { kind, compare, threshold, windowMs, forMs, minEvents }, 0, 6 * 3_600_000, step).episodes.length;
  return { values, compare, forMs, step, candidates, engine };
}

describe('the suggested threshold', () => {
  test("every threshold's episode count, from one sweep, is what check's backtest finds there", () => {
    const rand = random(15);
    let compared = 0;
    for (let i = 0; i < 300; i++) {
      const c = randomCase(rand, i % 3 === 2);
      const counts = episodesAtThresholds(c.values.points, c.compare, c.forMs, c.step, c.candidates);
      c.candidates.forEach((t, k) => assert.equal(counts[k], c.engine(t), `case ${i}, threshold ${t}`));
      compared += c.candidates.length;
    }
    assert.ok(compared > 3000, `${compared} thresholds compared`);
  });

  test('equals the search that backtests every value seen in turn, though episodes are not monotone in the threshold', () => {
    // Values 10, 5, 10 at three evaluations in a row (for: 0m): one episode above 4, two above 5, none above 10.
    const series = { times: [...Array(10).fill(60_000), ...Array(5).fill(120_000), ...Array(10).fill(180_000)] };
    const cond = (threshold: number): Condition => ({ kind: 'increase', compare: 'above', threshold, windowMs: 60_000, forMs: 0, minEvents: 0 });
    const at = (t: number) => evaluateSeries(series, cond(t), 0, 300_000, 60_000).episodes.length;
    assert.deepEqual([at(0), at(4), at(5), at(10)], [1, 1, 2, 0]);
    const v = alertValues(series, { kind: 'increase', windowMs: 60_000, minEvents: 0 }, 0, 300_000, 60_000);
    const candidates = [...v.histogram.keys()].sort((a, b) => a - b);
    assert.deepEqual(candidates, [0, 5, 10]);
    assert.deepEqual(episodesAtThresholds(v.points, 'above', 0, 60_000, candidates), [1, 2, 0]);
    // At most one episode: 0 (a bisection would stop at 5, see two, and answer 10).
    assert.deepEqual(firstAllowed(candidates, 1, at, () => episodesAtThresholds(v.points, 'above', 0, 60_000, candidates)), [0, 1]);

    const rand = random(99);
    for (let i = 0; i < 300; i++) {
      const c = randomCase(rand, i % 3 === 2);
      for (const allowed of [0, 1, 4]) {
        let exhaustive: [number | null, number | null] = [null, null];
        for (const t of c.candidates) {
          const n = c.engine(t);
          if (n <= allowed) {
            exhaustive = [t, n];
            break;
          }
        }
        const counts = () => episodesAtThresholds(c.values.points, c.compare, c.forMs, c.step, c.candidates);
        assert.deepEqual(firstAllowed(c.candidates, allowed, c.engine, counts), exhaustive, `case ${i}, allowed ${allowed}`);
        // Counts that are wrong are caught by the backtest, and the search falls back to it.
        assert.deepEqual(firstAllowed(c.candidates, allowed, c.engine, () => c.candidates.map(() => 0)), exhaustive, `case ${i}, allowed ${allowed}, wrong counts`);
      }
    }
  });
});

describe('the events the backtest reads, gathered row by row', () => {
  test('times are what Date.parse makes of each timestamp, in order, whatever order the rows came in', () => {
    const rand = random(3);
    const stamps = Array.from({ length: 2000 }, () => new Date(Date.UTC(2026, 10, 14) + Math.floor(rand() * 3 * 86_400_000)).toISOString());
    // Not of the stored form: left to Date.parse.
    stamps.push('2026-11-15T10:00:00Z', '2026-11-15T10:00:00.5Z', '+010000-01-01T00:00:00.000Z');
    const rows = stamps.map((timestamp) => ({ timestamp, provider: 'openai', event: 'error' as const, error_type: 'rate_limit' as const, outcome: null, status_code: 429 }));
    const times = inputFromRows(rows).series.rate_limit_exceeded!.get('openai')!.times;
    assert.deepEqual(Array.from(times), stamps.map((s) => Date.parse(s)).sort((a, b) => a - b));
    assert.throws(() => inputFromRows([{ ...rows[0], timestamp: '2026-11-15T10:61:00.000Z' }]), /not a stored timestamp/);
  });
});
