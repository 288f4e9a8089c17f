// Action items that follow the data (issue 13, item 5): each action line only when its own condition
// holds, naming its providers; the spike flag by its rule (spike_min and 3× the provider's median hour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { analyzeApi, jsonl, run, tmpDir, writeFixture, type AnalyzeReport } from './helpers.js';

type Rec = Record<string, unknown>;
const at = (hour: number, minute = 0) => `2026-11-20T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;
const throttled = (provider: string, ts: string): Rec => ({ timestamp: ts, level: 'ERROR', provider, status_code: 429, error_message: 'Rate limit exceeded, please retry after 20s' });
const quota = (provider: string, ts: string): Rec => ({
  timestamp: ts, level: 'ERROR', provider, status_code: 429, error_message: 'You exceeded your current quota, please check your plan and billing details.',
});
const outcome = (provider: string, ts: string, status: 'recovered' | 'failed'): Rec => ({
  timestamp: ts, level: 'ERROR', provider, status_code: 503, error_message: 'Service Unavailable', retry_count: 2, status,
});

/** analyze --format json [--config FILE], in-process (the library's analyzeLogs). */
async function analyze(records: Rec[], config?: string) {
  const dir = tmpDir('vtce-actions-');
  const log = writeFixture(dir, 'log.jsonl', jsonl(records));
  const opts = config === undefined ? {} : { config: loadConfig(writeFixture(dir, 'vtcode-errors.yaml', config)) };
  return (await analyzeApi([log], opts)) as AnalyzeReport & { actions: Record<string, string[]> };
}

const lines = (r: { actions: Record<string, string[]> }, key: string) => r.actions[key] ?? [];
const has = (r: { actions: Record<string, string[]> }, key: string, re: RegExp) => lines(r, key).filter((l) => re.test(l));

test('one throttled 429: back-off and queueing name the provider; no quota, spike or recovery action', async () => {
  const r = await analyze([throttled('openai', at(10))]);
  assert.deepEqual(r.rate_limit_spikes, [{ provider: 'openai', hour: '2026-11-20T10:00:00Z', count: 1, throttled: 1, quota: 0, spike: false }]);
  const spikes = lines(r, 'rate_limit_spikes');
  assert.equal(spikes.length, 2, spikes.join('\n'));
  assert.match(spikes[0], /^Back off exponentially.*\(throttled: openai 1\)\.$/);
  assert.match(spikes[1], /^Queue requests client-side.*\(throttled: openai 1\)\.$/);
  assert.equal(has(r, 'rate_limit_spikes', /quota|credits/i).length, 0);
  assert.equal(r.actions.recovery, undefined);
  assert.equal(r.actions.auth_failures, undefined);
});

test('quota exhaustion alone: only the quota action, naming its providers with counts', async () => {
  const r = await analyze([quota('openai', at(1)), quota('openai', at(2)), quota('gemini', at(3)), throttled('anthropic', at(4))]);
  const q = has(r, 'rate_limit_spikes', /top up credits/);
  assert.equal(q.length, 1);
  assert.match(q[0], /openai 2, gemini 1\)\.$/);
  assert.doesNotMatch(q[0], /anthropic/);
  const backOff = has(r, 'rate_limit_spikes', /Back off/);
  assert.match(backOff[0], /\(throttled: anthropic 1\)\.$/);
  assert.deepEqual(r.rate_limit_spikes.find((s) => s.provider === 'openai' && s.hour === '2026-11-20T01:00:00Z'), {
    provider: 'openai', hour: '2026-11-20T01:00:00Z', count: 1, throttled: 0, quota: 1, spike: false,
  });
});

test('recovery action only for providers below the low_recovery_rate threshold (per-provider override too)', async () => {
  const recs: Rec[] = [];
  for (let i = 0; i < 4; i++) recs.push(outcome('gemini', at(5, i), 'recovered')); // 100%
  for (let i = 0; i < 4; i++) recs.push(outcome('openai', at(6, i), i < 2 ? 'recovered' : 'failed')); // 50%
  for (let i = 0; i < 10; i++) recs.push(outcome('anthropic', at(7, i), i < 7 ? 'recovered' : 'failed')); // 70%
  const r = await analyze(recs);
  const low = has(r, 'recovery', /retry budget/);
  assert.equal(low.length, 1);
  assert.match(low[0], /\(success rate below low_recovery_rate: openai 50% < 80%, anthropic 70% < 80%\)\.$/);
  assert.doesNotMatch(low[0], /gemini/);

  const relaxed = await analyze(recs, 'alerts:\n  low_recovery_rate:\n    threshold: 0.6\n  overrides:\n    openai:\n      low_recovery_rate:\n        threshold: 0.4\n');
  assert.equal(has(relaxed, 'recovery', /retry budget/).length, 0, JSON.stringify(relaxed.actions));
});

test('spike flag: at least spike_min and 3× the provider median hour; a steady rate is no spike', async () => {
  const recs: Rec[] = [];
  // gemini: a burst of 12 at 10:00 over a quiet baseline (1 an hour at 0-5).
  for (let h = 0; h < 6; h++) recs.push(throttled('gemini', at(h, 5)));
  for (let i = 0; i < 12; i++) recs.push(throttled('gemini', at(10, i)));
  // openai: a steady 20 an hour, every hour from 0 to 11: above spike_min, never 3× its median.
  for (let h = 0; h < 12; h++) for (let i = 0; i < 20; i++) recs.push(throttled('openai', at(h, i)));
  // anthropic: 9 in one hour: 3× its median, below spike_min.
  for (let i = 0; i < 9; i++) recs.push(throttled('anthropic', at(3, i)));
  const r = await analyze(recs);
  const spike = (p: string, h: number) => r.rate_limit_spikes.find((s) => s.provider === p && s.hour === at(h).slice(0, 13) + ':00:00Z');
  assert.equal(spike('gemini', 10)?.spike, true);
  assert.equal(spike('gemini', 10)?.count, 12);
  assert.ok(r.rate_limit_spikes.filter((s) => s.provider === 'openai').every((s) => s.count === 20 && s.spike === false));
  assert.equal(r.rate_limit_spikes.filter((s) => s.spike).length, 1);
  assert.match(has(r, 'rate_limit_spikes', /Rotate to a secondary provider/)[0], /\(spike hours: gemini 1\)\.$/);
  assert.deepEqual((r as unknown as { spike_rule: unknown }).spike_rule, { min_events: 10, factor: 3 });

  const lower = await analyze(recs, 'analyze:\n  spike_min: 5\n');
  const spikeLow = lower.rate_limit_spikes.filter((s) => s.spike).map((s) => `${s.provider} ${s.hour}`);
  assert.deepEqual(spikeLow, ['gemini 2026-11-20T10:00:00Z', 'anthropic 2026-11-20T03:00:00Z']);
});

test('auth: a rejected key gets key rotation, a permission denial its own action, an expired token a refresh', async () => {
  const r = await analyze([
    { timestamp: at(1), level: 'ERROR', provider: 'openai', status_code: 401, error_message: 'Incorrect API key provided' },
    { timestamp: at(2), level: 'ERROR', provider: 'gemini', status_code: 403, error_message: 'Permission denied on resource project 12345' },
    { timestamp: at(3), level: 'ERROR', provider: 'anthropic', status_code: 401, error_message: 'OAuth token has expired' },
  ]);
  const auth = lines(r, 'auth_failures');
  assert.equal(auth.length, 3, auth.join('\n'));
  assert.match(has(r, 'auth_failures', /Rotate the API key/)[0], /\(rejected keys: openai 1\)\.$/);
  assert.match(has(r, 'auth_failures', /permission scopes/)[0], /\(permission denied: gemini 1\)\.$/);
  assert.match(has(r, 'auth_failures', /Refresh expired tokens/)[0], /\(expired: anthropic 1\)\.$/);
});

test('network: timeouts and path problems apart; a circuit breaker only where errors were retried', async () => {
  const r = await analyze([
    { timestamp: at(1), level: 'ERROR', provider: 'openai', error_message: 'operation timed out', retry_count: 0 },
    { timestamp: at(2), level: 'ERROR', provider: 'gemini', error_message: 'error trying to connect: dns error: failed to lookup address', retry_count: 3 },
  ]);
  assert.match(has(r, 'network_errors', /timeouts that fit/)[0], /\(timeouts: openai 1\)\.$/);
  assert.match(has(r, 'network_errors', /network path/)[0], /\(connection, DNS, TLS: gemini 1\)\.$/);
  assert.match(has(r, 'network_errors', /circuit breaker/)[0], /\(retries: gemini 3\)\.$/);
});

test('the table states the spike rule and the action lines; --db gives the same report', () => {
  const dir = tmpDir('vtce-actions-');
  const log = writeFixture(dir, 'log.jsonl', jsonl([throttled('openai', at(10)), quota('xai', at(11))]));
  const table = run(['analyze', log, '--no-color'], { cwd: dir, env: { COLUMNS: '200' } });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /│ provider +│ hour +│ count +│ throttled +│ quota +│ spike +│/);
  assert.match(table.stdout, /spike: at least 10 in the hour and 3× the provider's median hour/);
  assert.match(table.stdout, /top up credits.*xai 1/);
  const db = join(dir, 'store.db');
  const oneShot = run(['analyze', log, '--format', 'json'], { cwd: dir }).stdout;
  assert.equal(run(['analyze', log, '--db', db, '--format', 'json'], { cwd: dir }).stdout, oneShot);
  assert.equal(run(['analyze', '--db', db, '--format', 'json'], { cwd: dir }).stdout, oneShot);
});
