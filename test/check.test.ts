// `vtcode-errors check` (issue 7): the alert backtest (logs whose episodes are known by construction,
// the evaluation rule on hand-computed series, and a brute-force reference evaluator on seeded random
// logs), drift of generated rules and dashboards, every exit code and every output format.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { alignDown, alignUp, backtest, evaluateSeries, type BacktestRange, type Condition } from '../src/check/backtest.js';
import { diffExcerpt } from '../src/check/drift.js';
import { inputFromDb, inputFromRows } from '../src/check/events.js';
import { renderReport, xmlText } from '../src/check/report.js';
import { check as checkLogs, generateAlerts, generateDashboards, type Check, type CheckOptions } from '../src/index.js';
import { loadConfig, parseConfig } from '../src/config/load.js';
import { defaultConfig, type Config } from '../src/config/types.js';
import { BIN, jsonl, ok, run, tmpDir, writeFixture, type RunResult } from './helpers.js';

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

const DAY = '2026-11-20';
const at = (hms: string) => `${DAY}T${hms}Z`;
const ms = (hms: string) => Date.parse(at(hms.length === 5 ? `${hms}:00` : hms));
const iso = (hm: string) => `${DAY}T${hm}:00.000Z`;

type Rec = Record<string, unknown>;
const error = (time: string, provider: string, errorType: string, extra: Rec = {}): Rec => ({
  timestamp: at(time), level: 'ERROR', provider, error_type: errorType, error_message: `${errorType} happened`, ...extra,
});
const burst = (n: number, time: string, provider: string, errorType: string, extra: Rec = {}): Rec[] =>
  Array.from({ length: n }, () => error(time, provider, errorType, extra));
const events = (n: number, time: string, provider: string, event: 'recovered' | 'failed' | 'fallback' | 'retry'): Rec[] =>
  Array.from({ length: n }, () => ({ timestamp: at(time), provider, event }));

interface JsonEpisode { alert: string; provider: string; severity: string; start: string; end: string | null; peak: number; low: number; evaluations: number }
interface CheckJson {
  status: string;
  range: { from: string | null; to: string | null; evaluation_interval: string; evaluations: number };
  providers: string[];
  episodes: JsonEpisode[];
  alerts: Array<{ alert: string; provider: string; severity: string; threshold: number; window: string; for: string; overridden: boolean; fired: boolean; episodes: number; worst: number | null; events: number }>;
  events: number;
  not_backtestable: Array<{ alert: string; reason: string }>;
  drift: Array<{ file: string; status: string; line: number | null; diff: string[]; note: string }>;
  ingest: { files: number; records: number; ignored: number; skipped: number } | null;
}

/** A temp dir with the records as log.jsonl (and a config, when given); the check runs there (no ./vtcode-errors.yaml). */
function scenario(records: Array<Rec | string>, config?: string): { dir: string; log: string; config: string | null } {
  const dir = tmpDir('vtce-check-');
  const log = writeFixture(dir, 'log.jsonl', jsonl(records));
  return { dir, log, config: config === undefined ? null : writeFixture(dir, 'vtcode-errors.yaml', config) };
}

function check(args: string[], dir: string, env?: Record<string, string | undefined>): RunResult {
  return run(['check', ...args], { cwd: dir, env });
}

function checkJson(args: string[], dir: string, expectCode?: number): CheckJson {
  const r = check([...args, '--format', 'json'], dir);
  if (expectCode !== undefined) assert.equal(r.code, expectCode, r.stderr);
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as CheckJson;
}

/**
 * check in-process (the library's check, what the command calls): the report `--format json` prints.
 * `expectCode`: the exit code the command gives for it (1 a failed check, 0 a pass); like checkJson, an
 * input problem or no event in range (exit 2) fails the test.
 */
async function checkRun(paths: string[], opts: CheckOptions = {}, expectCode?: 0 | 1): Promise<Check> {
  const r = await checkLogs(paths, { config: defaultConfig(), ...opts });
  assert.ok(r, 'not interrupted');
  assert.deepEqual(r.ingest?.problems ?? [], []);
  assert.ok(r.events > 0 || opts.allowEmpty, 'no event in range (exit 2)');
  if (expectCode !== undefined) assert.equal(r.report.status, expectCode === 1 ? 'fail' : 'pass');
  return r;
}
const checkApi = async (paths: string[], opts: CheckOptions = {}, expectCode?: 0 | 1): Promise<CheckJson> =>
  JSON.parse(JSON.stringify((await checkRun(paths, opts, expectCode)).report)) as CheckJson;

/** What gen-alerts --out and gen-dashboard --out write, written by the library the commands call. */
function writeRules(file: string, config: Config = defaultConfig(), format: 'rules' | 'prometheusrule' = 'rules'): void {
  writeFileSync(file, generateAlerts(config, format).text);
}
function writeDashboards(dir: string, wrap = false): void {
  mkdirSync(dir, { recursive: true });
  for (const f of generateDashboards(defaultConfig(), { path: resolve(dir), wrap })) writeFileSync(join(dir, f.name), f.text);
}

const ep = (alert: string, provider: string, severity: string, start: string, end: string | null, peak: number) => ({
  alert, provider, severity, start: iso(start), end: end === null ? null : iso(end), peak,
});
const pick = (e: JsonEpisode) => ({ alert: e.alert, provider: e.provider, severity: e.severity, start: e.start, end: e.end, peak: e.peak });

// The default config (DESIGN.md §6 and issue 5): HER > 0.1/s over 5m for 5m (critical); RLE > 100 in 1m for 1m;
// PU > 10 in 2m for 2m (critical); LAF > 0 in 5m for 0m; LLRR < 0.8 over 15m for 10m with 10 outcomes; LFS > 20 in 10m for 5m.
// One provider per situation, each worked out by hand below.
const DEFAULT_LOG: Rec[] = [
  // gemini: 101 rate limits in each of two minutes: RLE pending at 10:01 and 10:02, fires at 10:02, resolves 10:03.
  // The 202 errors also make HER pending 10:01..10:06 (101 left in (10:01, 10:06]): fires at 10:06, resolves 10:07.
  ...burst(101, '10:00:30.000', 'gemini', 'rate_limit', { status_code: 429 }),
  ...burst(101, '10:01:30.000', 'gemini', 'rate_limit', { status_code: 429 }),
  // openai: exactly 100 per minute: RLE never pending (strictly above). HER: 100, 200, 300, 300, 300, 200, 100 at
  // 10:01..10:07: fires 10:06 (200/300), still pending 10:07 (100/300), resolves 10:08; peak 200/300.
  ...burst(100, '10:00:30.000', 'openai', 'rate_limit'),
  ...burst(100, '10:01:30.000', 'openai', 'rate_limit'),
  ...burst(100, '10:02:30.000', 'openai', 'rate_limit'),
  // anthropic: 101 in one minute only: RLE pending once, shorter than for: 1m. HER pending 10:01..10:05, 5 < for + 1.
  ...burst(101, '10:00:30.000', 'anthropic', 'rate_limit'),
  // mistral: 15 then 11 server errors two minutes apart: PU 15, 15, 11, 11 at 10:01..10:04, fires 10:03, resolves
  // 10:05; the peak is 11 (the 15s came before it fired).
  ...burst(15, '10:00:30.000', 'mistral', 'server_error', { status_code: 503 }),
  ...burst(11, '10:02:30.000', 'mistral', 'server_error', { status_code: 503 }),
  // xai: exactly 10 in each 2m window: PU never pending.
  ...burst(10, '10:00:30.000', 'xai', 'server_error'),
  ...burst(10, '10:02:30.000', 'xai', 'server_error'),
  // deepseek: 31 then 40 errors five minutes apart: HER 31/300 at 10:01..10:05, 40/300 at 10:06..10:10: fires 10:06,
  // resolves 10:11, peak 40/300.
  ...burst(31, '10:00:30.000', 'deepseek', 'network_error'),
  ...burst(40, '10:05:30.000', 'deepseek', 'network_error'),
  // zai: exactly 30 per 5m = 0.1/s: HER never pending.
  ...burst(30, '10:00:30.000', 'zai', 'network_error'),
  ...burst(30, '10:05:30.000', 'zai', 'network_error'),
  // huggingface: 31 errors once: pending 10:01..10:05, one evaluation short of for: 5m.
  ...burst(31, '10:00:30.000', 'huggingface', 'network_error'),
  // openrouter: auth errors at 10:00:30 and exactly 10:03:00: LAF 1, 1, 2, 2, 2, 1, 1 at 10:01..10:07; at 10:08
  // the 10:03:00 error is at t - window (excluded): fires 10:01, resolves 10:08, peak 2.
  error('10:00:30.000', 'openrouter', 'auth_error', { status_code: 401 }),
  error('10:03:00.000', 'openrouter', 'auth_error', { status_code: 401 }),
  // moonshot: 7 recovered / 10 outcomes = 0.7 at 10:01..10:12, 10/13 at 10:13, 15/18 at 10:14: LLRR fires at 10:11
  // (pending since 10:01), resolves 10:14; peak 10/13 (the 15/18 at the resolving evaluation is not part of it).
  ...events(7, '10:00:30.000', 'moonshot', 'recovered'),
  ...events(3, '10:00:30.000', 'moonshot', 'failed'),
  ...events(3, '10:12:30.000', 'moonshot', 'recovered'),
  ...events(5, '10:13:30.000', 'moonshot', 'recovered'),
  // qwen: 6/9 recovered is below 0.8, but 9 outcomes < min_events 10.
  ...events(6, '10:00:30.000', 'qwen', 'recovered'),
  ...events(3, '10:00:30.000', 'qwen', 'failed'),
  // minimax: outcomes on error rows, exactly 8/10 = 0.8: not below.
  ...burst(8, '10:00:30.000', 'minimax', 'network_error', { status: 'recovered' }),
  ...burst(2, '10:00:30.000', 'minimax', 'network_error', { status: 'failed' }),
  // ollama: 21 fallbacks: LFS pending 10:01..10:10, fires 10:06, resolves 10:11.
  ...events(21, '10:00:30.000', 'ollama', 'fallback'),
  // lmstudio: exactly 20 fallbacks: never pending.
  ...events(20, '10:00:30.000', 'lmstudio', 'fallback'),
  // retries count for nothing.
  ...events(50, '10:00:30.000', 'nvidia', 'retry'),
];

const DEFAULT_EPISODES = [
  ep('HighLLMErrorRate', 'deepseek', 'critical', '10:06', '10:11', 40 / 300),
  ep('HighLLMErrorRate', 'gemini', 'critical', '10:06', '10:07', 101 / 300),
  ep('HighLLMErrorRate', 'openai', 'critical', '10:06', '10:08', 200 / 300),
  ep('RateLimitExceeded', 'gemini', 'warning', '10:02', '10:03', 101),
  ep('ProviderUnavailable', 'mistral', 'critical', '10:03', '10:05', 11),
  ep('LLMAuthFailures', 'openrouter', 'warning', '10:01', '10:08', 2),
  ep('LowLLMRecoveryRate', 'moonshot', 'warning', '10:11', '10:14', 10 / 13),
  ep('LLMFallbackStorm', 'ollama', 'warning', '10:06', '10:11', 21),
];
const DEFAULT_PROVIDERS = ['anthropic', 'deepseek', 'gemini', 'huggingface', 'lmstudio', 'minimax', 'mistral', 'moonshot', 'nvidia', 'ollama', 'openai', 'openrouter', 'qwen', 'xai', 'zai'];

// A quiet log: a few errors, nothing near a threshold.
const QUIET_LOG: Rec[] = [
  error('10:00:30.000', 'gemini', 'rate_limit'),
  error('10:02:30.000', 'openai', 'server_error'),
  ...events(2, '10:03:00.000', 'gemini', 'recovered'),
  ...events(1, '10:04:00.000', 'anthropic', 'fallback'),
];

// ---------------------------------------------------------------------------------------------------------------
// A reference evaluator, written from the words and nothing else: every evaluation time, a full scan of
// the rows for the window, and "fires at t when pending at every evaluation from t - for to t".

interface RefRow { timestamp: string; provider: string; event: string; error_type: string | null; outcome: string | null }

const REF_ALERTS: Array<{ key: keyof Config['alerts']; name: string; kind: 'rate' | 'increase' | 'ratio'; counts: (r: RefRow) => boolean }> = [
  { key: 'high_error_rate', name: 'HighLLMErrorRate', kind: 'rate', counts: (r) => r.event === 'error' },
  { key: 'rate_limit_exceeded', name: 'RateLimitExceeded', kind: 'increase', counts: (r) => r.event === 'error' && r.error_type === 'rate_limit' },
  { key: 'provider_unavailable', name: 'ProviderUnavailable', kind: 'increase', counts: (r) => r.event === 'error' && r.error_type === 'server_error' },
  { key: 'auth_failures', name: 'LLMAuthFailures', kind: 'increase', counts: (r) => r.event === 'error' && r.error_type === 'auth_error' },
  { key: 'low_recovery_rate', name: 'LowLLMRecoveryRate', kind: 'ratio', counts: () => false },
  { key: 'fallback_storm', name: 'LLMFallbackStorm', kind: 'increase', counts: (r) => r.event === 'fallback' },
];

function refDuration(text: string): number {
  if (text === '0') return 0;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 365 * 86_400_000 };
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}

const isRecovered = (r: RefRow) => r.event === 'recovered' || (r.event === 'error' && r.outcome === 'recovered');
const isFailed = (r: RefRow) => r.event === 'failed' || (r.event === 'error' && r.outcome === 'failed');

function reference(rows: RefRow[], config: Config, range: { since: number | null; until: number | null } = { since: null, until: null }) {
  const step = refDuration(config.evaluation_interval);
  const providers = [...new Set(rows.map((r) => r.provider))].sort();
  const pairs: Array<{ a: (typeof REF_ALERTS)[number]; provider: string; spec: Config['alerts']['high_error_rate'] }> = [];
  for (const a of REF_ALERTS) {
    for (const provider of providers) {
      const spec = { ...config.alerts[a.key], ...(config.overrides[provider]?.[a.key] ?? {}) };
      if (spec.enabled) pairs.push({ a, provider, spec });
    }
  }
  const times = rows.map((r) => Date.parse(r.timestamp));
  const longest = Math.max(0, ...pairs.map((p) => refDuration(p.spec.window)));
  const start = range.since ?? Math.min(...times);
  const end = range.until ?? Math.max(...times) + longest;
  const evals: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= Math.floor(end / step) * step; t += step) evals.push(t);
  const episodes: Array<ReturnType<typeof ep>> = [];
  for (const { a, provider, spec } of pairs) {
    const W = refDuration(spec.window);
    const F = refDuration(spec.for);
    const values: Array<number | null> = [];
    const pending: boolean[] = [];
    for (const t of evals) {
      const inWindow = rows.filter((r, i) => r.provider === provider && times[i] > t - W && times[i] <= t);
      if (a.kind === 'ratio') {
        const rec = inWindow.filter(isRecovered).length;
        const fail = inWindow.filter(isFailed).length;
        const value = rec + fail === 0 ? null : rec / (rec + fail);
        values.push(value);
        pending.push(value !== null && rec + fail >= (spec.min_events ?? 0) && value < spec.threshold);
      } else {
        const n = inWindow.filter(a.counts).length;
        const value = a.kind === 'rate' ? n / (W / 1000) : n;
        values.push(value);
        pending.push(value > spec.threshold);
      }
    }
    let open: ReturnType<typeof ep> | null = null;
    for (let k = 0; k < evals.length; k++) {
      const t = evals[k];
      if (open) {
        if (pending[k]) open.peak = Math.max(open.peak, values[k]!);
        else {
          open.end = new Date(t).toISOString();
          episodes.push(open);
          open = null;
        }
        continue;
      }
      const since = Math.floor((t - F) / step) * step; // the state at t - for is that of the evaluation at or before it
      if (since < evals[0]) continue;
      let held = true;
      for (let j = k; j >= 0 && evals[j] >= since; j--) held &&= pending[j];
      if (held) open = { alert: a.name, provider, severity: spec.severity, start: new Date(t).toISOString(), end: null, peak: values[k]! };
    }
    if (open) episodes.push(open);
  }
  return { episodes, evaluations: evals.length };
}

/** A seeded PRNG (mulberry32). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random log: background noise and bursts, with many times exactly on minute boundaries. */
function randomRows(seed: number, n = 2500, spanMinutes = 180): RefRow[] {
  const rnd = prng(seed);
  const base = ms('10:00');
  const providers = ['gemini', 'openai', 'anthropic', 'zai'];
  const rows: RefRow[] = [];
  const pickOne = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  while (rows.length < n) {
    const provider = pickOne(providers);
    const centre = base + Math.floor(rnd() * spanMinutes * 60_000);
    const size = rnd() < 0.15 ? 20 + Math.floor(rnd() * 120) : 1 + Math.floor(rnd() * 6);
    const spread = rnd() < 0.5 ? 60_000 : 300_000;
    const kind = rnd();
    for (let i = 0; i < size && rows.length < n; i++) {
      let t = centre + Math.floor(rnd() * spread);
      if (rnd() < 0.2) t = Math.round(t / 60_000) * 60_000; // on an evaluation boundary
      if (rnd() < 0.05) t = Math.round(t / 30_000) * 30_000;
      const timestamp = new Date(t).toISOString();
      if (kind < 0.55) {
        const error_type = pickOne(['rate_limit', 'rate_limit', 'server_error', 'auth_error', 'network_error']);
        const outcome = rnd() < 0.3 ? pickOne(['recovered', 'recovered', 'failed']) : null;
        rows.push({ timestamp, provider, event: 'error', error_type, outcome });
      } else if (kind < 0.8) rows.push({ timestamp, provider, event: pickOne(['recovered', 'recovered', 'failed']), error_type: null, outcome: null });
      else if (kind < 0.95) rows.push({ timestamp, provider, event: 'fallback', error_type: null, outcome: null });
      else rows.push({ timestamp, provider, event: 'retry', error_type: null, outcome: null });
    }
  }
  return rows;
}

/** The JSON Lines records that the ingest stores as exactly these rows. */
function recordsFor(rows: RefRow[]): Rec[] {
  return rows.map((r) => {
    if (r.event !== 'error') return { timestamp: r.timestamp, provider: r.provider, event: r.event };
    return { timestamp: r.timestamp, level: 'ERROR', provider: r.provider, error_type: r.error_type, error_message: 'x', ...(r.outcome ? { status: r.outcome } : {}) };
  });
}

const OVERRIDES_CONFIG = `alerts:
  overrides:
    gemini:
      rate_limit_exceeded: { threshold: 300, for: 0m, severity: critical }
    openai:
      auth_failures: { enabled: false }
      high_error_rate: { threshold: 1, window: 2m, for: 2m }
`;

// Smaller thresholds so that the random logs fire often; an interval that does not divide the windows or `for`.
const SMALL_CONFIG = `evaluation_interval: 30s
alerts:
  high_error_rate: { threshold: 0.05, window: 3m, for: 4m }
  rate_limit_exceeded: { threshold: 5, window: 2m, for: 90s }
  provider_unavailable: { threshold: 2, window: 90s, for: 30s }
  auth_failures: { threshold: 1, window: 4m, for: 0s }
  low_recovery_rate: { threshold: 0.6, window: 10m, for: 3m, min_events: 3 }
  fallback_storm: { threshold: 3, window: 5m, for: 2m }
  overrides:
    gemini:
      rate_limit_exceeded: { threshold: 12, window: 1m, for: 0m, severity: critical }
      low_recovery_rate: { min_events: 0, threshold: 0.9 }
    zai:
      high_error_rate: { enabled: false }
      fallback_storm: { window: 7m }
`;

const ODD_CONFIG = `evaluation_interval: 45s
alerts:
  high_error_rate: { threshold: 0.02, window: 150s, for: 100s }
  rate_limit_exceeded: { threshold: 3, window: 1m, for: 1m }
  provider_unavailable: { enabled: false }
  auth_failures: { threshold: 0, window: 2m, for: 50s }
  low_recovery_rate: { threshold: 0.7, window: 20m, for: 5m, min_events: 5 }
  fallback_storm: { threshold: 2, window: 3m, for: 0m }
  overrides:
    anthropic:
      provider_unavailable: { enabled: true, threshold: 1, window: 2m, for: 1m }
`;

const cfg = (text: string) => parseConfig(text, 'test.yaml');
const strip = (e: { alert: string; provider: string; severity: string; start: number; end: number | null; peak: number }) => ({
  alert: e.alert, provider: e.provider, severity: e.severity, start: new Date(e.start).toISOString(), end: e.end === null ? null : new Date(e.end).toISOString(), peak: e.peak,
});

// ---------------------------------------------------------------------------------------------------------------
// The evaluation rule, by hand

describe('evaluation rule (evaluateSeries)', () => {
  const S = 1000;
  const cond = (c: Partial<Condition>): Condition => ({ kind: 'increase', compare: 'above', threshold: 2, windowMs: 60 * S, forMs: 60 * S, minEvents: 0, ...c });
  const run1 = (times: number[], c: Partial<Condition>, first: number, last: number, recovered?: number[]) =>
    evaluateSeries({ times: times.map((t) => t * S), recovered }, cond(c), first * S, last * S, 60 * S).episodes.map((e) => ({
      start: e.start / S, end: e.end === null ? null : e.end / S, peak: e.peak, evaluations: e.evaluations,
    }));

  test('increase with for: pending at 60 and 120, fires at 120, resolves at 180', () => {
    assert.deepEqual(run1([30, 30, 30, 90, 90, 90, 150], {}, 60, 300), [{ start: 120, end: 180, peak: 3, evaluations: 1 }]);
  });
  test('for: 0 fires at the first pending evaluation', () => {
    assert.deepEqual(run1([30, 30, 30, 90, 90, 90, 150], { forMs: 0 }, 60, 300), [{ start: 60, end: 180, peak: 3, evaluations: 2 }]);
  });
  test('a for that is not a multiple of the interval: pending since the evaluation at or before t - for', () => {
    // for 90s: pending at 60 (3), 120 (3), 180 (4); at 120, t - for = 30 falls before the run began at 60.
    assert.deepEqual(run1([30, 30, 30, 90, 90, 90, 150, 150, 150, 150], { forMs: 90 * S }, 60, 300), [{ start: 180, end: 240, peak: 4, evaluations: 1 }]);
    // The same burst without the third minute stays pending for 2 evaluations only: nothing fires.
    assert.deepEqual(run1([30, 30, 30, 90, 90, 90, 150], { forMs: 90 * S }, 60, 300), []);
  });
  test('strictly above: exactly at the threshold is not pending', () => {
    assert.deepEqual(run1([30, 30, 90, 90], { forMs: 0 }, 60, 300), []);
  });
  test('window (t - window, t]: an event at t counts, an event at t - window does not', () => {
    assert.deepEqual(run1([60], { threshold: 0, forMs: 0 }, 60, 300), [{ start: 60, end: 120, peak: 1, evaluations: 1 }]);
    assert.deepEqual(run1([60], { threshold: 0, forMs: 0 }, 120, 300), []);
  });
  test('rate: count / window seconds, exact', () => {
    const times = Array(31).fill(30);
    assert.deepEqual(run1(times, { kind: 'rate', threshold: 0.1, windowMs: 300 * S, forMs: 0 }, 60, 600), [{ start: 60, end: 360, peak: 31 / 300, evaluations: 5 }]);
    assert.deepEqual(run1(Array(30).fill(30), { kind: 'rate', threshold: 0.1, windowMs: 300 * S, forMs: 0 }, 60, 600), []);
  });
  test('still firing at the last evaluation: end null', () => {
    assert.deepEqual(run1([30, 30, 30], { forMs: 0 }, 60, 60), [{ start: 60, end: null, peak: 3, evaluations: 1 }]);
  });
  test('episodes far apart (the evaluator jumps over empty stretches)', () => {
    const h = 3600;
    assert.deepEqual(run1([30, 10 * h + 30, 10 * h + 31], { threshold: 0, forMs: 0 }, 60, 11 * h), [
      { start: 60, end: 120, peak: 1, evaluations: 1 },
      { start: 10 * h + 60, end: 10 * h + 120, peak: 2, evaluations: 1 },
    ]);
  });
  test('ratio: min_events guard, below the threshold, the peak leaves out the resolving evaluation', () => {
    const c = { kind: 'ratio' as const, compare: 'below' as const, threshold: 0.5, windowMs: 120 * S, forMs: 0, minEvents: 4 };
    // 10 rec, 20 fail, 30 fail: 3 outcomes (< 4) at 60; + 70 fail: 1/4 = 0.25 at 120; at 180 only the 70 fail and
    // the four recovered at 130 are in (60, 180]: 4/5 = 0.8, not pending, and larger than anything while firing.
    const times = [10, 20, 30, 70, 130, 130, 130, 130];
    const recovered = [1, 0, 0, 0, 1, 1, 1, 1];
    assert.deepEqual(run1(times, c, 60, 300, recovered), [{ start: 120, end: 180, peak: 0.25, evaluations: 1 }]);
    assert.deepEqual(run1(times, { ...c, minEvents: 5 }, 60, 300, recovered), []);
    // No outcome in the window is no value (0/0), never pending, even with min_events 0.
    assert.deepEqual(run1([], { ...c, minEvents: 0 }, 60, 300, []), []);
  });
  test('alignment helpers', () => {
    assert.equal(alignUp(61_000, 60_000), 120_000);
    assert.equal(alignUp(120_000, 60_000), 120_000);
    assert.equal(alignDown(179_999, 60_000), 120_000);
  });
});

describe('backtest()', () => {
  const rows = (list: Array<[string, string, string, string | null, string | null]>): RefRow[] =>
    list.map(([time, provider, event, error_type, outcome]) => ({ timestamp: at(time), provider, event, error_type, outcome }));

  test('the default scenario, hand-computed', () => {
    const parsed = DEFAULT_LOG.map((r) => ({
      timestamp: String(r.timestamp).replace(/Z$/, 'Z'),
      provider: String(r.provider),
      event: (r.event as string | undefined) ?? 'error',
      error_type: (r.error_type as string | undefined) ?? null,
      outcome: (r.status as string | undefined) ?? null,
    }));
    const result = backtest(inputFromRows(parsed as never), defaultConfig(), { since: null, until: null });
    assert.deepEqual(result.episodes.map(strip), DEFAULT_EPISODES);
    assert.deepEqual(result.providers, DEFAULT_PROVIDERS);
    assert.equal(result.first, ms('10:01'));
    assert.equal(result.last, ms('10:28')); // latest event 10:13:30 + the longest window (15m), aligned down
    assert.equal(result.evaluations, 28);
    assert.equal(result.pairs.length, DEFAULT_PROVIDERS.length * 6);
    assert.deepEqual(result.notBacktestable.map((n) => n.alert), ['LLMCircuitBreakerRejecting']);
  });

  test('range: --since/--until bound the evaluations, aligned inward; earlier events still fill the first windows', () => {
    const input = inputFromRows(rows([['10:00:30', 'gemini', 'error', 'auth_error', null], ['10:03:00', 'gemini', 'error', 'auth_error', null]]) as never);
    const r = backtest(input, defaultConfig(), { since: ms('10:01:30'), until: ms('10:04:59') });
    assert.equal(r.first, ms('10:02'));
    assert.equal(r.last, ms('10:04'));
    assert.equal(r.evaluations, 3);
    const auth = r.episodes.filter((e) => e.alert === 'LLMAuthFailures').map(strip);
    assert.deepEqual(auth, [ep('LLMAuthFailures', 'gemini', 'warning', '10:02', null, 2)]);
    // A since after the end: no evaluations, nothing fires.
    const none = backtest(input, defaultConfig(), { since: ms('11:00'), until: ms('10:00') });
    assert.equal(none.evaluations, 0);
    assert.deepEqual(none.episodes, []);
  });

  test('providers filter, disabled alerts, an empty input', () => {
    const input = inputFromRows(rows([['10:00:30', 'gemini', 'error', 'auth_error', null], ['10:00:30', 'openai', 'error', 'auth_error', null]]) as never);
    const r = backtest(input, defaultConfig(), { since: null, until: null, providers: ['openai'] });
    assert.deepEqual(r.providers, ['openai']);
    assert.deepEqual(r.episodes.map((e) => e.provider), ['openai']);
    const off = cfg('alerts:\n  auth_failures: { enabled: false }\n  circuit_breaker_rejecting: { enabled: false }\n');
    const r2 = backtest(input, off, { since: null, until: null });
    assert.deepEqual(r2.episodes, []);
    assert.equal(r2.pairs.length, 2 * 5);
    assert.deepEqual(r2.notBacktestable, []);
    const empty = backtest(inputFromRows([]), defaultConfig(), { since: null, until: null });
    assert.deepEqual({ first: empty.first, evaluations: empty.evaluations, episodes: empty.episodes }, { first: null, evaluations: 0, episodes: [] });
  });

  for (const [name, text] of [['default', ''], ['overrides', OVERRIDES_CONFIG], ['small thresholds, 30s interval', SMALL_CONFIG], ['45s interval, odd windows', ODD_CONFIG]] as const) {
    for (const seed of [1, 7, 42]) {
      test(`equals the brute-force reference: ${name} config, seed ${seed}`, () => {
        const config = text ? cfg(text) : defaultConfig();
        const data = randomRows(seed, name === 'default' ? 3000 : 1500);
        const want = reference(data, config);
        const got = backtest(inputFromRows(data as never), config, { since: null, until: null });
        assert.equal(got.evaluations, want.evaluations);
        assert.deepEqual(got.episodes.map(strip), want.episodes.sort(order));
        if (name !== 'default') assert.ok(want.episodes.length > 5, `the random log should fire something (${want.episodes.length})`);
      });
    }
  }

  test('equals the reference with --since/--until inside the data', () => {
    const config = cfg(SMALL_CONFIG);
    const data = randomRows(99, 1500);
    const range: BacktestRange = { since: ms('10:41:10'), until: ms('12:07:50') };
    const want = reference(data, config, { since: range.since, until: range.until });
    const got = backtest(inputFromRows(data as never), config, range);
    assert.deepEqual(got.episodes.map(strip), want.episodes.sort(order));
  });

  test('read from the store (one SELECT per alert kind) equals read from the rows', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE error_logs (id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, provider TEXT NOT NULL, event TEXT NOT NULL, error_type TEXT, outcome TEXT)');
    const data = randomRows(17, 3000);
    // A few timestamps not in the stored form take the slow path and still read right.
    data.push({ timestamp: '2026-11-20T11:00:30Z', provider: 'odd', event: 'error', error_type: 'auth_error', outcome: 'failed' });
    data.push({ timestamp: '2026-11-20T11:00:31.5Z', provider: 'odd', event: 'recovered', error_type: null, outcome: null });
    const insert = db.prepare('INSERT INTO error_logs (timestamp, provider, event, error_type, outcome) VALUES (?, ?, ?, ?, ?)');
    for (const r of [...data].reverse()) insert.run(r.timestamp, r.provider, r.event, r.error_type, r.outcome);
    const fromDb = inputFromDb(db);
    const fromRows = inputFromRows(data as never);
    assert.deepEqual([...fromDb.providers.entries()].sort(), [...fromRows.providers.entries()].sort());
    for (const key of Object.keys(fromRows.series) as Array<keyof typeof fromRows.series>) {
      const a = fromDb.series[key]!;
      const b = fromRows.series[key]!;
      assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), key);
      for (const [p, sb] of b) {
        const sa = a.get(p)!;
        assert.deepEqual(Array.from(sa.times), Array.from(sb.times), `${key} ${p}`);
        // Within one millisecond the order of outcomes is free; their number per time is not.
        if (sb.recovered) {
          const tally = (x: typeof sa) => Array.from(x.times, (t, i) => `${t}:${x.recovered![i]}`).sort();
          assert.deepEqual(tally(sa), tally(sb), `${key} ${p}`);
        }
      }
    }
    db.close();
  });

  // Not a timing test (npm run bench measures): a guard against an evaluation that scans every event
  // at every evaluation, which would take many minutes here.
  test('a month of events at a 1m interval does not scan per evaluation', { timeout: 120_000 }, () => {
    const rnd = prng(5);
    const start = ms('00:00');
    const month: RefRow[] = [];
    for (let i = 0; i < 200_000; i++) {
      const t = start + Math.floor(rnd() * 30 * 86_400_000);
      month.push({ timestamp: new Date(t).toISOString(), provider: ['gemini', 'openai', 'anthropic', 'zai', 'xai'][i % 5], event: 'error', error_type: i % 3 ? 'rate_limit' : 'server_error', outcome: i % 4 ? null : 'failed' });
    }
    const input = inputFromRows(month as never);
    const r = backtest(input, defaultConfig(), { since: null, until: null });
    // ~43k evaluations x 5 providers x 6 alerts over 200k events: a full scan per evaluation would take minutes.
    assert.ok(r.evaluations > 43_000); // (the test's timeout is the guard)
  });
});

const ALERT_ORDER = REF_ALERTS.map((a) => a.name);
function order(a: { alert: string; provider: string; start: string }, b: { alert: string; provider: string; start: string }): number {
  return ALERT_ORDER.indexOf(a.alert) - ALERT_ORDER.indexOf(b.alert) || (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : 0) || a.start.localeCompare(b.start);
}

// ---------------------------------------------------------------------------------------------------------------
// The command, end to end

describe('check: backtest end to end', () => {
  test('default config: the episodes known by construction, exit 1', async () => {
    const s = scenario(DEFAULT_LOG);
    const out = await checkApi([s.log], {}, 1);
    assert.deepEqual(out.episodes.map(pick), DEFAULT_EPISODES);
    assert.equal(out.status, 'fail');
    assert.deepEqual(out.range, { from: iso('10:01'), to: iso('10:28'), evaluation_interval: '1m', evaluations: 28 });
    assert.deepEqual(out.providers, DEFAULT_PROVIDERS);
    assert.deepEqual(out.not_backtestable.map((n) => n.alert), ['LLMCircuitBreakerRejecting']);
    assert.deepEqual(out.drift, []);
    assert.equal(out.alerts.length, DEFAULT_PROVIDERS.length * 6);
    assert.equal(out.alerts.filter((a) => a.fired).length, 8);
    // The worst value of a pair that did not fire: openai's rate limits peaked exactly at the threshold.
    assert.equal(out.alerts.find((a) => a.alert === 'RateLimitExceeded' && a.provider === 'openai')!.worst, 100);
    const moonshot = out.episodes.find((e) => e.provider === 'moonshot')!;
    assert.equal(moonshot.low, 0.7);
    assert.equal(out.ingest?.records, DEFAULT_LOG.length);
  });

  test('overrides apply per provider, as in the generated rules', async () => {
    const log = [
      // gemini: RLE > 300 in 1m, for 0m, critical. 301 fires at once; exactly 300 does not; 150 + 150 would have
      // fired the default rule but not gemini's. HER (default) for the last: 150, 300 x4, 150 at 10:21..10:26.
      ...burst(301, '10:00:30.000', 'gemini', 'rate_limit'),
      ...burst(300, '10:10:30.000', 'gemini', 'rate_limit'),
      ...burst(150, '10:20:30.000', 'gemini', 'rate_limit'),
      ...burst(150, '10:21:30.000', 'gemini', 'rate_limit'),
      // anthropic: the default rules.
      ...burst(101, '10:00:30.000', 'anthropic', 'rate_limit'),
      ...burst(101, '10:01:30.000', 'anthropic', 'rate_limit'),
      error('10:50:00.000', 'anthropic', 'auth_error'),
      // openai: HER > 1/s over 2m for 2m. 121 once: pending 10:01, 10:02 only. 121 twice two minutes apart: 10:31..10:34,
      // fires 10:33. Exactly 120: 1/s, not above. Its auth alert is disabled.
      ...burst(121, '10:00:30.000', 'openai', 'network_error'),
      ...burst(121, '10:30:30.000', 'openai', 'network_error'),
      ...burst(121, '10:32:30.000', 'openai', 'network_error'),
      ...burst(120, '10:40:30.000', 'openai', 'network_error'),
      error('10:50:00.000', 'openai', 'auth_error'),
    ];
    const s = scenario(log, OVERRIDES_CONFIG);
    const out = await checkApi([s.log], { config: loadConfig(s.config!) }, 1);
    assert.deepEqual(out.episodes.map(pick), [
      ep('HighLLMErrorRate', 'anthropic', 'critical', '10:06', '10:07', 101 / 300),
      ep('HighLLMErrorRate', 'gemini', 'critical', '10:26', '10:27', 150 / 300),
      ep('HighLLMErrorRate', 'openai', 'critical', '10:33', '10:35', 121 / 120),
      ep('RateLimitExceeded', 'anthropic', 'warning', '10:02', '10:03', 101),
      ep('RateLimitExceeded', 'gemini', 'critical', '10:01', '10:02', 301),
      ep('LLMAuthFailures', 'anthropic', 'warning', '10:50', '10:55', 1),
    ]);
    const gem = out.alerts.find((a) => a.alert === 'RateLimitExceeded' && a.provider === 'gemini')!;
    assert.deepEqual([gem.threshold, gem.for, gem.severity, gem.overridden], [300, '0m', 'critical', true]);
    assert.equal(out.alerts.some((a) => a.alert === 'LLMAuthFailures' && a.provider === 'openai'), false);
    // And the same against the reference evaluator.
    const want = reference(log.map((r) => ({ timestamp: String(r.timestamp), provider: String(r.provider), event: 'error', error_type: String(r.error_type), outcome: null })), cfg(OVERRIDES_CONFIG));
    assert.deepEqual(out.episodes.map(pick), want.episodes.sort(order));
  });

  test('an episode still firing at the end of the range has end null', async () => {
    const s = scenario([error('10:00:30.000', 'gemini', 'auth_error')]);
    const out = await checkApi([s.log], { until: '2026-11-20T10:03:00Z' }, 1);
    assert.deepEqual(out.episodes.map(pick), [ep('LLMAuthFailures', 'gemini', 'warning', '10:01', null, 1)]);
    // With the default end (latest event + 15m, aligned down to 10:15) the recovery rate is still below 0.8 there.
    const s2 = scenario([...events(3, '10:00:30.000', 'gemini', 'recovered'), ...events(7, '10:00:30.000', 'gemini', 'failed')]);
    const out2 = await checkApi([s2.log], {}, 1);
    assert.deepEqual(out2.episodes.map(pick), [ep('LowLLMRecoveryRate', 'gemini', 'warning', '10:11', null, 0.3)]);
    assert.equal(out2.range.to, iso('10:15'));
  });

  test('--since starts the evaluations later (events before it still count in the windows); --provider filters', async () => {
    const s = scenario([error('10:00:30.000', 'openrouter', 'auth_error'), error('10:03:00.000', 'openrouter', 'auth_error'), error('10:00:30.000', 'gemini', 'auth_error')]);
    const out = await checkApi([s.log], { since: '2026-11-20T10:01:30Z', providers: ['OpenRouter'] }, 1);
    assert.deepEqual(out.episodes.map(pick), [ep('LLMAuthFailures', 'openrouter', 'warning', '10:02', '10:08', 2)]);
    assert.deepEqual(out.providers, ['openrouter']);
  });

  test('check equals the brute-force reference on seeded random logs', async () => {
    for (const [text, seed] of [['', 3], [SMALL_CONFIG, 11], [ODD_CONFIG, 23]] as const) {
      const data = randomRows(seed, 1500);
      const s = scenario(recordsFor(data), text || undefined);
      const out = await checkApi([s.log], s.config ? { config: loadConfig(s.config) } : {});
      const config = text ? cfg(text) : defaultConfig();
      const want = reference(data, config);
      assert.deepEqual(out.episodes.map(pick), want.episodes.sort(order), `seed ${seed}`);
      assert.equal(out.range.evaluations, want.evaluations);
    }
  });

  test('--db keeps the store; check --db with no paths reads it as it is', async () => {
    const s = scenario(DEFAULT_LOG);
    const db = join(s.dir, 'store.db');
    const first = await checkApi([s.log], { db }, 1);
    const again = await checkApi([], { db }, 1);
    assert.deepEqual(again.episodes, first.episodes);
    assert.equal(again.ingest, null);
  });
});

describe('check: exit codes', () => {
  test('0: a quiet log', () => {
    const s = scenario(QUIET_LOG);
    const r = check([s.log], s.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /PASS: no alert would have fired/);
  });
  test('0: a malformed line without --strict (noted on stderr); 2 with --strict', () => {
    const s = scenario([...QUIET_LOG, '{"timestamp": "2026-11-20T10:05:00Z", "level": "ERROR", "provider": "gem']);
    const r = check([s.log], s.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /1 malformed record skipped/);
    const strict = check([s.log, '--strict'], s.dir);
    assert.equal(strict.code, 2);
    assert.match(strict.stderr, /log\.jsonl:6: invalid JSON/);
  });
  test('1: an alert would have fired', () => {
    const s = scenario([error('10:00:30.000', 'gemini', 'auth_error')]);
    assert.equal(check([s.log], s.dir).code, 1);
  });
  test('2: a missing path, no paths, a bad config, a missing config, a bad format, an unknown option', () => {
    const s = scenario(QUIET_LOG);
    const badConfig = writeFixture(s.dir, 'bad.yaml', 'alerts:\n  rate_limit_exceeded: { threshold: -1 }\n');
    const missing = check([join(s.dir, 'nope.jsonl')], s.dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.jsonl/);
    const both = check([s.log, join(s.dir, 'nope.jsonl')], s.dir); // the rest is still read, the exit is still 2
    assert.equal(both.code, 2);
    assert.equal(check([], s.dir).code, 2);
    const bad = check([s.log, '--config', badConfig], s.dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /alerts\.rate_limit_exceeded\.threshold.*bad\.yaml:2/);
    assert.equal(check([s.log, '--config', join(s.dir, 'none.yaml')], s.dir).code, 2);
    assert.equal(check([s.log, '--format', 'csv'], s.dir).code, 2);
    assert.equal(check([s.log, '--bogus'], s.dir).code, 2);
    assert.equal(check([s.log, '--since', 'yesterday'], s.dir).code, 2);
    assert.equal(check([s.log, '--dashboards', s.log], s.dir).code, 2);
  });
  test('--help shows an example', () => {
    const r = check(['--help'], tmpDir());
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Example:[\s\S]*vtcode-errors check logs\//);
  });
});

describe('check: drift', () => {
  function generated() {
    const s = scenario(QUIET_LOG);
    const rules = join(s.dir, 'rules.yml');
    writeRules(rules);
    const dash = join(s.dir, 'dash');
    writeDashboards(dash);
    return { ...s, rules, dash };
  }

  test('current rules and dashboards: ok, exit 0', async () => {
    const g = generated();
    const out = await checkApi([g.log], { rules: g.rules, dashboards: g.dash }, 0);
    assert.deepEqual(out.drift.map((d) => [d.file, d.status]), [
      [g.rules, 'ok'],
      [join(g.dash, 'overview.json'), 'ok'],
      [join(g.dash, 'provider-gemini.json'), 'ok'],
      [join(g.dash, 'provider-anthropic.json'), 'ok'],
      [join(g.dash, 'provider-openai.json'), 'ok'],
      [join(g.dash, 'provisioning.yaml'), 'ok'],
    ]);
    assert.equal(out.status, 'pass');
  });

  test('a hand-edited rule file is stale, with the differing line', async () => {
    const g = generated();
    const text = readFileSync(g.rules, 'utf8');
    const lines = text.split('\n');
    const n = lines.findIndex((l) => l.includes('increase(llm_rate_limits_total[1m])) > 100'));
    assert.ok(n > 0);
    lines[n] = lines[n].replace('> 100', '> 200');
    writeFileSync(g.rules, lines.join('\n'));
    const run = await checkRun([g.log], { rules: g.rules }, 1);
    const out = JSON.parse(JSON.stringify(run.report)) as CheckJson;
    const d = out.drift[0];
    assert.equal(d.status, 'stale');
    assert.equal(d.line, n + 1);
    assert.ok(d.diff.includes(`-${lines[n]}`), d.diff.join('\n'));
    assert.ok(d.diff.includes(`+${lines[n].replace('> 200', '> 100')}`), d.diff.join('\n'));
    assert.match(d.diff[2], new RegExp(`^@@ -${n - 1},`));
    // The table shows it too.
    const table = renderReport(run.report, 'table', false);
    assert.ok(table.includes(`-${lines[n]}`));
    assert.match(table, /FAIL: no alert would have fired .*; 1 generated file drifted/);
  });

  test('the fix-it command repeats every option that shaped the expected file, and running it fixes the drift', () => {
    const g = generated();
    const other = writeFixture(g.dir, 'other config.yaml', OVERRIDES_CONFIG);
    const stale = checkJson([g.log, '--rules', g.rules, '--config', other], g.dir, 1).drift[0];
    assert.match(stale.note, new RegExp(`; run: vtcode-errors gen-alerts --config '${other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' --out ${g.rules}$`));
    // The command, run as printed (through a shell), makes the check pass.
    const cmd = stale.note.replace(/^.*; run: vtcode-errors /, '');
    const fix = spawnSync('sh', ['-c', `node ${JSON.stringify(BIN)} ${cmd}`], { cwd: g.dir, encoding: 'utf8' });
    assert.equal(fix.status, 0, fix.stderr);
    assert.equal(checkJson([g.log, '--rules', g.rules, '--config', other], g.dir, 0).drift[0].status, 'ok');
  });

  test('rules from another config are stale; a PrometheusRule is compared as one; a missing file is missing', async () => {
    const g = generated();
    const other = writeFixture(g.dir, 'other.yaml', OVERRIDES_CONFIG);
    writeRules(g.rules, loadConfig(other));
    assert.equal((await checkApi([g.log], { rules: g.rules }, 1)).drift[0].status, 'stale');
    assert.equal((await checkApi([g.log], { rules: g.rules, config: loadConfig(other) }, 0)).drift[0].status, 'ok');
    const pr = join(g.dir, 'prometheusrule.yaml');
    writeRules(pr, defaultConfig(), 'prometheusrule');
    assert.equal((await checkApi([g.log], { rules: pr }, 0)).drift[0].status, 'ok');
    // CRLF line endings are not content.
    writeFileSync(pr, readFileSync(pr, 'utf8').replace(/\n/g, '\r\n'));
    assert.equal((await checkApi([g.log], { rules: pr }, 0)).drift[0].status, 'ok');
    const gone = await checkApi([g.log], { rules: join(g.dir, 'gone.yml') }, 1);
    assert.deepEqual(gone.drift.map((d) => d.status), ['missing']);
  });

  test('dashboards: an edited panel is stale, a deleted file missing, a leftover provider stale; --wrap and moved dirs are ok', async () => {
    const g = generated();
    const gemini = join(g.dash, 'provider-gemini.json');
    writeFileSync(gemini, readFileSync(gemini, 'utf8').replace('"editable": false', '"editable": true'));
    rmSync(join(g.dash, 'overview.json'));
    writeFileSync(join(g.dash, 'provider-mistral.json'), '{}\n');
    const out = await checkApi([g.log], { dashboards: g.dash }, 1);
    const status = Object.fromEntries(out.drift.map((d) => [d.file.slice(g.dash.length + 1), d.status]));
    assert.deepEqual(status, {
      'overview.json': 'missing',
      'provider-gemini.json': 'stale',
      'provider-anthropic.json': 'ok',
      'provider-openai.json': 'ok',
      'provisioning.yaml': 'ok',
      'provider-mistral.json': 'stale',
    });
    assert.ok(out.drift.find((d) => d.file === gemini)!.diff.some((l) => l.includes('"editable": true')));

    const wrapped = join(g.dir, 'api');
    writeDashboards(wrapped, true);
    assert.deepEqual((await checkApi([g.log], { dashboards: wrapped }, 0)).drift.map((d) => d.status), ['ok', 'ok', 'ok', 'ok']);

    const fresh = join(g.dir, 'fresh');
    writeDashboards(fresh);
    const moved = join(g.dir, 'moved');
    cpSync(fresh, moved, { recursive: true });
    assert.equal((await checkApi([g.log], { dashboards: moved }, 0)).status, 'pass');
    const none = await checkApi([g.log], { dashboards: join(g.dir, 'nowhere') }, 1);
    assert.ok(none.drift.every((d) => d.status === 'missing') && none.drift.length === 5);
  });

  test('diff excerpt: context, removed and added lines, a unified hunk header', () => {
    const a = ['a', 'b', 'c', 'X', 'e', 'f'].join('\n');
    const e = ['a', 'b', 'c', 'd', 'e', 'f'].join('\n');
    assert.deepEqual(diffExcerpt(a, e, 'f.yml'), { line: 4, lines: ['--- f.yml', '+++ generated from the config', '@@ -2,5 +2,5 @@', ' b', ' c', '-X', '+d', ' e', ' f', '\\ No newline at end of file'] });
  });
});

describe('check: formats', () => {
  // PU for openai (critical) once; LAF for gemini (warning) twice.
  const GH_LOG = [
    error('10:00:30.000', 'gemini', 'auth_error'),
    error('10:20:30.000', 'gemini', 'auth_error'),
    ...burst(11, '10:00:30.000', 'openai', 'server_error'),
    ...burst(12, '10:02:30.000', 'openai', 'server_error'),
  ];

  test('github: one line per fired alert and provider, exact; one per drifted file; the step summary appended', () => {
    const s = scenario(GH_LOG);
    const rules = join(s.dir, 'rules.yml');
    ok(['gen-alerts', '--out', rules], { cwd: s.dir });
    writeFileSync(rules, readFileSync(rules, 'utf8').replace('for: 2m', 'for: 3m'));
    const line = readFileSync(rules, 'utf8').split('\n').findIndex((l) => l.includes('for: 3m')) + 1;
    const summary = writeFixture(s.dir, 'summary.md', '# earlier step\n');
    const r = check([s.log, '--rules', rules, '--format', 'github'], s.dir, { GITHUB_STEP_SUMMARY: summary });
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(r.stdout.split('\n'), [
      '::error title=ProviderUnavailable openai::ProviderUnavailable would have fired for openai once, 2026-11-20T10:03:00.000Z to 2026-11-20T10:05:00.000Z; peak 12 (critical: > 10 in 2m, for 2m)',
      '::warning title=LLMAuthFailures gemini::LLMAuthFailures would have fired for gemini 2 times, first 2026-11-20T10:01:00.000Z to 2026-11-20T10:06:00.000Z, last 2026-11-20T10:21:00.000Z to 2026-11-20T10:26:00.000Z; peak 1 (warning: > 0 in 5m, for 0m)',
      `::error file=${rules},line=${line},title=Stale generated file ${rules}::${rules} differs from what the config generates (first at line ${line}); run: vtcode-errors gen-alerts --out ${rules}`,
      '',
    ]);
    const md = readFileSync(summary, 'utf8');
    assert.ok(md.startsWith('# earlier step\n## vtcode-errors check: failed\n'), md);
    assert.ok(md.includes('| ProviderUnavailable | openai | critical | 1 | 2026-11-20T10:03:00.000Z | 2026-11-20T10:05:00.000Z | 12 | > 10 in 2m, for 2m |'), md);
    assert.ok(md.includes('| LLMAuthFailures | gemini | warning | 2 |'), md);
    assert.ok(md.includes('```diff\n'), md);
    // Without GITHUB_STEP_SUMMARY nothing else is written; a quiet log prints nothing at all.
    const q = scenario(QUIET_LOG);
    const quiet = check([q.log, '--format', 'github'], q.dir, { GITHUB_STEP_SUMMARY: undefined });
    assert.deepEqual([quiet.code, quiet.stdout], [0, '']);
  });

  test('github: one line per alert and provider however many episodes; ::error for critical only; values escaped', () => {
    const s = scenario([...DEFAULT_LOG, error('10:00:30.000', 'weird:co,<x>&"q\'', 'auth_error')]);
    const r = check([s.log, '--format', 'github'], s.dir);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 9);
    assert.equal(lines.filter((l) => l.startsWith('::error title=')).length, 4); // 3 HER + PU
    assert.equal(lines.filter((l) => l.startsWith('::warning title=')).length, 5);
    assert.ok(lines.some((l) => l.startsWith('::warning title=LLMAuthFailures weird%3Aco%2C<x>&"q\'::')), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('::warning title=LowLLMRecoveryRate moonshot::') && l.includes('lowest 70%25')));
    // In markdown the provider is data, never markup.
    const md = check([s.log, '--format', 'markdown'], s.dir).stdout;
    assert.ok(md.includes('| LLMAuthFailures | weird:co,&lt;x>&amp;"q\' | warning | 1 |'), md);
  });

  test('junit: well-formed, one case per alert and provider, one failure per fired pair, files as cases, escaped', () => {
    const s = scenario([...DEFAULT_LOG, error('10:00:30.000', 'weird:co,<x>&"q\'', 'auth_error')]);
    const junit = join(s.dir, 'out', 'check.xml');
    const rules = join(s.dir, 'rules.yml');
    ok(['gen-alerts', '--out', rules], { cwd: s.dir });
    writeFileSync(rules, `${readFileSync(rules, 'utf8')}# hand edit <&>\n`);
    const r = check([s.log, '--junit', junit, '--rules', rules, '--quiet'], s.dir);
    assert.equal(r.code, 1);
    const doc = parseXml(readFileSync(junit, 'utf8'));
    assert.equal(doc.name, 'testsuites');
    const [alerts, files] = doc.children.filter((c) => c.name === 'testsuite');
    const cases = alerts.children.filter((c) => c.name === 'testcase');
    const providers = DEFAULT_PROVIDERS.length + 1;
    // One case per alert and provider, and a skipped one for the alert the logs cannot backtest.
    assert.equal(cases.length, providers * 6 + 1);
    assert.equal(alerts.attrs.tests, String(providers * 6 + 1));
    assert.deepEqual(cases.filter((c) => c.children.some((x) => x.name === 'skipped')).map((c) => c.attrs.name), ['LLMCircuitBreakerRejecting']);
    assert.equal(alerts.attrs.skipped, '1');
    const failed = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
    assert.deepEqual(
      failed.map((c) => c.attrs.name).sort(),
      [...new Set([...DEFAULT_EPISODES.map((e) => `${e.alert} ${e.provider}`), 'LLMAuthFailures weird:co,<x>&"q\'' ])].sort(),
    );
    assert.equal(alerts.attrs.failures, String(failed.length));
    assert.equal(doc.attrs.failures, String(failed.length + 1));
    const fileCases = files.children.filter((c) => c.name === 'testcase');
    assert.deepEqual(fileCases.map((c) => c.attrs.name), [rules]);
    assert.equal(fileCases[0].children[0].name, 'failure');
    assert.match(fileCases[0].children[0].text, /\+?# hand edit <&>/);
    const props = alerts.children.find((c) => c.name === 'properties')!;
    assert.ok(props.children.some((p) => p.attrs.name === 'not_backtestable' && p.attrs.value === 'LLMCircuitBreakerRejecting'));
    // A passing run: every case passes.
    const q = scenario(QUIET_LOG);
    const qj = join(q.dir, 'q.xml');
    assert.equal(check([q.log, '--junit', qj], q.dir).code, 0);
    const qdoc = parseXml(readFileSync(qj, 'utf8'));
    assert.equal(qdoc.attrs.failures, '0');
    assert.equal(qdoc.attrs.tests, String(3 * 6 + 1));
  });

  test('xml text: markup escaped, characters XML cannot hold replaced', () => {
    assert.equal(xmlText('a<b>&"c\'\u0001\uD800'), 'a&lt;b&gt;&amp;&quot;c&apos;\uFFFD\uFFFD');
  });

  // A CI step never passes on nothing (issue 13, item 1).
  test('no event in the range: every format says so, stderr too, exit 2; --allow-empty: exit 0 with the warning', () => {
    const s = scenario(GH_LOG);
    const empty = join(s.dir, 'empty');
    mkdirSync(empty, { recursive: true });
    const cases: Array<[string[], string]> = [
      [[s.log, '--since', '2000-01-01T00:00:00Z', '--until', '2000-01-02T00:00:00Z'], 'range'],
      [[s.log, '--provider', 'no-such-provider'], 'provider'],
      [[empty], 'empty directory'],
    ];
    for (const [args, what] of cases) {
      for (const format of ['table', 'markdown', 'github', 'json']) {
        const r = check([...args, '--format', format], s.dir);
        assert.equal(r.code, 2, `${what}, ${format}: exit (stderr: ${r.stderr})`);
        assert.match(r.stderr, /no event was read in the range/, `${what}, ${format}: stderr`);
        if (format === 'json') assert.equal(JSON.parse(r.stdout).events, 0);
        else assert.match(r.stdout, /no event was read in the range/, `${what}, ${format}: stdout`);
        if (format === 'github') assert.match(r.stdout, /^::error title=No events::/m);
      }
      const allowed = check([...args, '--allow-empty', '--format', 'github'], s.dir);
      assert.equal(allowed.code, 0, `${what}, --allow-empty: exit (stderr: ${allowed.stderr})`);
      assert.match(allowed.stderr, /no event was read in the range/);
    }
    const junit = join(s.dir, 'empty.xml');
    check([s.log, '--provider', 'no-such-provider', '--junit', junit], s.dir);
    assert.match(readFileSync(junit, 'utf8'), /<testcase classname="vtcode-errors\.check\.input" name="events in range" time="0">\n\s*<failure message="no event was read/);
    check([s.log, '--provider', 'no-such-provider', '--junit', junit, '--allow-empty'], s.dir);
    assert.match(readFileSync(junit, 'utf8'), /name="events in range" time="0">\n\s*<skipped message=/);
  });

  test('--fail-on critical: warnings that fire are reported but pass; a critical one fails; JUnit agrees', () => {
    const s = scenario([...burst(30, '10:00:10', 'gemini', 'auth_error')]); // LLMAuthFailures: a warning
    const junit = join(s.dir, 'fail-on.xml');
    const warn = check([s.log, '--junit', junit], s.dir);
    assert.equal(warn.code, 1, warn.stderr);
    assert.match(readFileSync(junit, 'utf8'), /<testsuite name="alert backtest" tests="\d+" failures="1"/);
    const critical = check([s.log, '--fail-on', 'critical', '--junit', junit], s.dir);
    assert.equal(critical.code, 0, critical.stderr);
    assert.match(critical.stdout, /PASS: 1 alert×provider pair would have fired \(1 episode\), 1 of them below --fail-on critical/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuite name="alert backtest" tests="\d+" failures="0"/);
    assert.match(xml, /name="LLMAuthFailures gemini" time="0">\n\s*<system-out>LLMAuthFailures would have fired for gemini/);
    // The alert the logs cannot backtest is a skipped case, with the reason.
    assert.match(xml, /name="LLMCircuitBreakerRejecting" time="0">\n\s*<skipped message="no log line records/);
    assert.match(xml, /skipped="1"/);
    assert.equal(checkJson([s.log, '--fail-on', 'critical'], s.dir, 0).status, 'pass');
    // A critical alert fails under either.
    const s2 = scenario(['10:00:10', '10:01:10', '10:02:10', '10:03:10', '10:04:10'].flatMap((t) => burst(30, t, 'gemini', 'server_error'))); // ProviderUnavailable: critical
    assert.equal(check([s2.log, '--fail-on', 'critical'], s2.dir).code, 1);
    assert.equal(check([s.log, '--fail-on', 'info'], s.dir).code, 2, 'only critical or warning');
  });

  test('alerts[].events counts the events in --since/--until only, as the summary does', async () => {
    const s = scenario([...burst(3, '09:00:10', 'gemini', 'auth_error'), ...burst(5, '11:00:10', 'gemini', 'auth_error'), ...burst(7, '13:00:10', 'gemini', 'auth_error')]);
    const events = async (opts: CheckOptions) => (await checkApi([s.log], opts)).alerts.find((a) => a.alert === 'LLMAuthFailures' && a.provider === 'gemini')!.events;
    assert.equal(await events({}), 15);
    assert.equal(await events({ since: at('10:00:00') }), 12);
    assert.equal(await events({ since: at('10:00:00'), until: at('13:00:10') }), 5, '--until is exclusive');
    assert.equal((await checkApi([s.log], { since: at('10:00:00'), until: at('13:00:10') })).events, 5);
  });

  test('json: the contract keys, ISO times; markdown and table', () => {
    const s = scenario(GH_LOG);
    const out = checkJson([s.log], s.dir, 1);
    for (const e of out.episodes) {
      assert.deepEqual(Object.keys(e).slice(0, 6), ['alert', 'provider', 'severity', 'start', 'end', 'peak']);
      assert.match(e.start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    assert.deepEqual(Object.keys(out).sort(), ['alerts', 'drift', 'empty_allowed', 'episodes', 'events', 'fail_on', 'ingest', 'not_backtestable', 'providers', 'range', 'status']);
    assert.equal(out.events, out.ingest!.records, 'every stored event is in the (unbounded) range');
    const md = check([s.log, '--format', 'markdown'], s.dir);
    assert.equal(md.code, 1);
    assert.match(md.stdout, /^## vtcode-errors check: failed\n/);
    assert.match(md.stdout, /\| alert \| provider \| severity \| episodes \| first start \| last end \| peak \| condition \|/);
    assert.match(md.stdout, /### Not backtestable\n\n- `LLMCircuitBreakerRejecting`/);
    const table = check([s.log], s.dir, { NO_COLOR: '1' });
    assert.match(table.stdout, /Alerts that would have fired/);
    assert.match(table.stdout, /ProviderUnavailable │ openai/);
    assert.match(table.stdout, /FAIL: 2 alert×provider pairs would have fired \(3 episodes\)\n$/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A small strict XML parser: enough to prove the JUnit file is well-formed and to read it back.

interface XmlNode { name: string; attrs: Record<string, string>; children: XmlNode[]; text: string }

function parseXml(src: string): XmlNode {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML: ${why} at offset ${i}: ${JSON.stringify(src.slice(i, i + 40))}`);
  };
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(src)) fail('a control character');
  const decode = (s: string): string => {
    if (s.includes('<')) fail('< in text or attribute');
    return s.replace(/&([^;]*);|&/g, (m, name: string | undefined) => {
      if (name === undefined) return fail('a bare &');
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (named[name] !== undefined) return named[name];
      if (/^#\d+$/.test(name)) return String.fromCodePoint(Number(name.slice(1)));
      if (/^#x[0-9a-fA-F]+$/.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
      return fail(`unknown entity ${m}`);
    });
  };
  const ws = () => {
    while (/\s/.test(src[i] ?? '')) i++;
  };
  const name = (): string => {
    const m = /^[A-Za-z_][\w.:-]*/.exec(src.slice(i));
    if (!m) fail('a name expected');
    i += m![0].length;
    return m![0];
  };
  const element = (): XmlNode => {
    if (src[i] !== '<') fail('< expected');
    i++;
    const node: XmlNode = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      ws();
      if (src.startsWith('/>', i)) {
        i += 2;
        return node;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      const attr = name();
      ws();
      if (src[i] !== '=') fail('= expected');
      i++;
      ws();
      const q = src[i];
      if (q !== '"' && q !== "'") fail('a quoted value expected');
      const endq = src.indexOf(q, i + 1);
      if (endq < 0) fail('unterminated attribute');
      if (attr in node.attrs) fail(`duplicate attribute ${attr}`);
      node.attrs[attr] = decode(src.slice(i + 1, endq));
      i = endq + 1;
    }
    for (;;) {
      if (src.startsWith('</', i)) {
        i += 2;
        if (name() !== node.name) fail(`</${node.name}> expected`);
        ws();
        if (src[i] !== '>') fail('> expected');
        i++;
        return node;
      }
      if (src[i] === '<') node.children.push(element());
      else {
        const next = src.indexOf('<', i);
        if (next < 0) fail('unterminated element');
        node.text += decode(src.slice(i, next));
        i = next;
      }
    }
  };
  if (src.startsWith('<?xml')) {
    i = src.indexOf('?>') + 2;
    if (i < 2) fail('unterminated declaration');
  }
  ws();
  const root = element();
  ws();
  if (i !== src.length) fail('content after the root element');
  return root;
}
