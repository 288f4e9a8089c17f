// `vtcode-errors report` (issue 15): every section's numbers on hand-built logs whose answers are known
// (test/report-support.ts), the value distribution against a brute-force count, markdown, and the flags.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backtest, evaluateSeries } from '../src/check/backtest.js';
import { parseConfig } from '../src/config/load.js';
import { defaultConfig } from '../src/config/types.js';
import type { PeriodReport } from '../src/report/build.js';
import { alertValues, percentile } from '../src/report/values.js';
import { jsonl, run, tmpDir } from './helpers.js';
import { records, UNTIL } from './report-support.js';

const dir = tmpDir('vtce-report-');
after(() => rmSync(dir, { recursive: true, force: true }));
const log = join(dir, 'log.jsonl');

function report(args: string[]): PeriodReport {
  const r = run(['report', ...args, '--format', 'json', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PeriodReport;
}

let r: PeriodReport;
before(() => {
  writeFileSync(log, jsonl(records()));
  r = report([log, '--until', UNTIL, '--period', 'week']);
});

const pair = <T extends { alert: string; provider: string }>(rows: T[], alert: string, provider: string): T => {
  const found = rows.find((x) => x.alert === alert && x.provider === provider);
  assert.ok(found, `${alert} ${provider}`);
  return found;
};

describe('report json', () => {
  test('period: the week ending at --until, against the week before', () => {
    assert.deepEqual(r.period, { name: 'week', from: '2026-11-16T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z', previous_from: '2026-11-09T00:00:00.000Z', previous_to: '2026-11-16T00:00:00.000Z', bucket: 'day' });
    assert.deepEqual(r.providers, ['anthropic', 'gemini', 'openai']);
    assert.equal(r.ingest?.records, 510);
  });

  test('trends: counts, change in %, new providers and error types, largest growth', () => {
    const t = r.trends;
    assert.deepEqual(t.total, { current: 330, previous: 180, change_pct: 83.3, new: false });
    assert.deepEqual(t.by_provider, [
      { provider: 'gemini', current: 240, previous: 160, change_pct: 50, new: false },
      { provider: 'openai', current: 85, previous: 20, change_pct: 325, new: false },
      { provider: 'anthropic', current: 5, previous: 0, change_pct: null, new: true },
    ]);
    assert.deepEqual(t.by_type.map((x) => [x.error_type, x.current, x.previous, x.change_pct]), [['server_error', 240, 160, 50], ['rate_limit', 85, 20, 325], ['auth_error', 5, 0, null]]);
    assert.deepEqual(t.new_providers, ['anthropic']);
    assert.deepEqual(t.new_error_types, ['auth_error']);
    assert.deepEqual(t.top_growth.map((g) => [g.provider, g.growth]), [['gemini', 80], ['openai', 65], ['anthropic', 5]]);
    // Per day: the bursts of 11-19, the openai burst of 11-17.
    assert.deepEqual(t.series.filter((s) => s.provider === 'gemini'), [{ bucket: '2026-11-19T00:00:00Z', provider: 'gemini', error_type: 'server_error', errors: 240 }]);
    assert.equal(t.series.find((s) => s.provider === 'openai' && s.bucket === '2026-11-17T00:00:00Z')?.errors, 83);
  });

  test('rate-limit usage: the peak of RateLimitExceeded as a fraction of its threshold, quota apart', () => {
    const openai = r.rate_limit_usage.find((u) => u.provider === 'openai')!;
    assert.equal(openai.peak, 83);
    assert.equal(openai.threshold, 100);
    assert.equal(openai.fraction, 0.83);
    // 83 errors from 14:00:10 to 14:00:18.2: the evaluation at 14:01 counts them all in its 1m window.
    assert.equal(openai.peak_at, '2026-11-17T14:01:00.000Z');
    assert.equal(openai.text, 'peaked at 83/100 on Tue 2026-11-17 14:01 UTC');
    assert.deepEqual([openai.throttled, openai.quota_exhausted, openai.quota_first, openai.quota_last], [83, 2, '2026-11-18T09:00:30.000Z', '2026-11-18T12:00:30.000Z']);
    assert.deepEqual(openai.by_bucket, [{ bucket: '2026-11-17T00:00:00Z', peak: 83 }, { bucket: '2026-11-18T00:00:00Z', peak: 1 }]);
    assert.equal(r.rate_limit_usage.find((u) => u.provider === 'gemini')!.peak, 0);
  });

  test("alert health: check's backtest per alert and provider, flapping, near misses, not backtestable", () => {
    const h = r.alert_health;
    assert.equal(h.evaluation.evaluations, 7 * 1440 + 1);
    // Four bursts of 60 server errors in 5 minutes, an hour apart: ProviderUnavailable fires 4 times on
    // 11-19, each from +3m to +7m (4 evaluations): flapping (more than 3 a day).
    const pu = pair(h.alerts, 'ProviderUnavailable', 'gemini');
    assert.equal(pu.episodes, 4);
    assert.equal(pu.firing_minutes, 16);
    assert.equal(pu.flapping, true);
    assert.deepEqual(pu.flapping_days, [{ day: '2026-11-19', episodes: 4 }]);
    assert.deepEqual(pu.episode_list[0], { start: '2026-11-19T02:03:00.000Z', end: '2026-11-19T02:07:00.000Z', peak: 24 });
    // Five auth failures, at most two a day: five episodes of 5 minutes, no flapping.
    const auth = pair(h.alerts, 'LLMAuthFailures', 'anthropic');
    assert.deepEqual([auth.episodes, auth.firing_minutes, auth.flapping], [5, 25, false]);
    // 83 of 100 and never fired: a near miss.
    assert.deepEqual(pair(h.alerts, 'RateLimitExceeded', 'openai').near_misses, [{ start: '2026-11-17T14:01:00.000Z', end: '2026-11-17T14:02:00.000Z', value: 83, fraction: 0.83 }]);
    assert.equal(pair(h.alerts, 'RateLimitExceeded', 'openai').episodes, 0);
    // Above the threshold for less than its `for`: a near miss too (HighLLMErrorRate, 0.1/s for 5m).
    assert.equal(pair(h.alerts, 'HighLLMErrorRate', 'gemini').near_misses.length, 4);
    // A stretch that fired is not a near miss.
    assert.deepEqual(pu.near_misses, []);
    assert.deepEqual(h.not_backtestable.map((n) => n.alert), ['LLMCircuitBreakerRejecting']);
  });

  test('threshold review: percentiles over the evaluations and the threshold that fires at most once a week', () => {
    // 25 of 10081 evaluations at 1, the rest 0.
    const auth = pair(r.threshold_review, 'LLMAuthFailures', 'anthropic');
    assert.deepEqual([auth.evaluations, auth.p50, auth.p95, auth.p99, auth.max], [10081, 0, 0, 0, 1]);
    assert.deepEqual([auth.threshold, auth.episodes, auth.allowed_episodes, auth.suggested, auth.suggested_episodes], [0, 5, 1, 1, 0]);
    // Four identical bursts: any threshold below their peak fires 4 times, so only 24 fires at most once.
    const pu = pair(r.threshold_review, 'ProviderUnavailable', 'gemini');
    assert.deepEqual([pu.max, pu.suggested, pu.suggested_episodes], [24, 24, 0]);
    assert.match(pu.reasoning, /the configured 10 fired 4 times/);
    // The ratio: only evaluations with min_events outcomes have a value.
    const ratio = pair(r.threshold_review, 'LowLLMRecoveryRate', 'gemini');
    assert.equal(ratio.evaluations, 19);
    assert.equal(ratio.min, 0.230769); // 3 recovered of 13 outcomes at 02:01
    assert.equal(pair(r.threshold_review, 'LowLLMRecoveryRate', 'openai').suggested, null);
  });

  test('recovery and retries: rates and trend, success per attempt, wasted retries, suggested maximum', () => {
    const x = r.recovery;
    assert.deepEqual(x.by_provider.find((p) => p.provider === 'gemini'), { provider: 'gemini', recovered: 50, failed: 10, rate: 0.8333, previous_rate: 0.9, change_points: -6.67 });
    // 60 outcomes: 40 recovered after 1 retry, 10 after 2, 10 failed after 3.
    assert.deepEqual(
      x.attempts.filter((a) => a.provider === 'gemini').map((a) => [a.attempt, a.reached, a.recovered, a.success_rate]),
      [[1, 60, 0, 0], [2, 60, 40, 0.6667], [3, 20, 10, 0.5], [4, 10, 0, 0]],
    );
    // 90 retries for gemini; 5 auth failures × 2 and 2 quota exhaustions × 3 cannot be fixed by retrying.
    assert.deepEqual(x.retries, { total: 106, wasted: 16, share: 0.1509, by_cause: [{ cause: 'auth_error', retries: 10 }, { cause: 'quota_exhausted', retries: 6 }, { cause: 'client_error', retries: 0 }] });
    assert.deepEqual(x.suggested_max_retries.map((s) => [s.provider, s.observed_max, s.suggested]), [['anthropic', 2, 0], ['gemini', 3, 2], ['openai', 3, 0]]);
  });

  test('error patterns: top messages per type, new messages, auth failures per provider', () => {
    const e = r.error_patterns;
    assert.deepEqual(e.top_messages.find((m) => m.error_type === 'server_error'), { error_type: 'server_error', message: 'Internal server error', count: 240 });
    assert.deepEqual(e.new_messages.map((m) => [m.message, m.count]), [['invalid x-api-key', 5], ['You exceeded your current quota (insufficient_quota)', 2]]);
    assert.deepEqual(e.auth_failures, [{ provider: 'anthropic', top_message: 'invalid x-api-key', current: 5, previous: 0, change_pct: null, new: true }]);
  });

  test('provider reliability: ranks (1 the worst) and week over week', () => {
    assert.deepEqual(
      r.reliability.providers.map((p) => [p.provider, p.errors, p.rank_errors, p.errors_per_outcome, p.rank_errors_per_outcome, p.recovery_rate, p.rank_recovery, p.wow_change_pct]),
      [['gemini', 240, 1, 4, 2, 0.8333, 3, 50], ['openai', 85, 2, 42.5, 1, 0, 1, 325], ['anthropic', 5, 3, 1, 3, 0, 1, null]],
    );
  });

  test('checklist: each item ok or look, from the sections, linking to its section', () => {
    const status = Object.fromEntries(r.checklist.map((c) => [c.item, c.status]));
    assert.deepEqual(status, {
      'Review error rate trends': 'look',
      'Check rate-limit usage': 'look',
      'Verify alert health': 'look',
      'Analyse error patterns': 'look',
      'Review recovery strategies': 'look',
      'Update alert thresholds': 'look',
      'Generate an error analytics report': 'ok',
      'Review provider reliability': 'look',
      'Optimise retry strategies': 'look',
    });
    assert.match(r.checklist.find((c) => c.item === 'Check rate-limit usage')!.note, /openai peaked at 83\/100/);
  });

  test('steady logs: nothing to look at in the trends and rate limits', () => {
    const steady = join(dir, 'steady.jsonl');
    const rows = [];
    for (let d = 9; d < 23; d++) rows.push({ timestamp: `2026-11-${String(d).padStart(2, '0')}T12:00:00Z`, provider: 'gemini', status_code: 503, error_message: 'Service unavailable' });
    writeFileSync(steady, jsonl(rows));
    const s = report([steady, '--until', UNTIL]);
    assert.deepEqual(s.trends.total, { current: 7, previous: 7, change_pct: 0, new: false });
    const status = Object.fromEntries(s.checklist.map((c) => [c.item, c.status]));
    assert.equal(status['Review error rate trends'], 'ok');
    assert.equal(status['Check rate-limit usage'], 'ok');
    assert.equal(status['Optimise retry strategies'], 'ok');
  });

  test('a suggested threshold: the smallest that fires at most once a week (none on a day)', () => {
    // Rate limits with `for: 0m`: bursts peaking at 50, 40 and 30 on three days.
    const bursts = join(dir, 'bursts.jsonl');
    const rows = [];
    for (const [day, n] of [[17, 50], [18, 40], [19, 30]]) {
      for (let i = 0; i < n; i++) rows.push({ timestamp: new Date(Date.UTC(2026, 10, day, 9, 0, 10) + i * 100).toISOString(), provider: 'xai', status_code: 429, error_message: 'Too many requests' });
    }
    writeFileSync(bursts, jsonl(rows));
    const config = join(dir, 'for0.yaml');
    writeFileSync(config, 'alerts:\n  rate_limit_exceeded: { threshold: 20, window: 1m, for: 0m }\n');
    const week = pair(report([bursts, '--until', UNTIL, '--config', config]).threshold_review, 'RateLimitExceeded', 'xai');
    assert.deepEqual([week.episodes, week.max, week.suggested, week.suggested_episodes, week.allowed_episodes], [3, 50, 40, 1, 1]);
    const day = pair(report([bursts, '--until', '2026-11-18T00:00:00Z', '--period', 'day', '--config', config]).threshold_review, 'RateLimitExceeded', 'xai');
    assert.deepEqual([day.allowed_episodes, day.suggested, day.suggested_episodes], [0, 50, 0]);
    // --write-config: the suggestion as an override, in a config that loads back.
    const out = join(dir, 'suggested.yaml');
    const w = run(['report', bursts, '--until', UNTIL, '--config', config, '--format', 'json', '--write-config', out]);
    assert.equal(w.code, 0, w.stderr);
    const written = parseConfig(readFileSync(out, 'utf8'), out);
    assert.equal(written.overrides.xai?.rate_limit_exceeded?.threshold, 40);
    assert.equal(written.alerts.rate_limit_exceeded.threshold, 20);
    assert.match(w.stderr, /1 suggested threshold/);
  });
});

describe('alert values', () => {
  test('the distribution matches a brute-force count at every evaluation, and its max is the backtest worst', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const times = Array.from({ length: 400 }, () => Math.floor(rand() * 6 * 3_600_000)).sort((a, b) => a - b);
    const step = 60_000;
    const windowMs = 300_000;
    const first = 0;
    const last = 6 * 3_600_000;
    const v = alertValues({ times }, { kind: 'increase', windowMs, minEvents: 0 }, first, last, step);
    const brute: number[] = [];
    for (let t = first; t <= last; t += step) brute.push(times.filter((x) => x > t - windowMs && x <= t).length);
    brute.sort((a, b) => a - b);
    assert.equal(v.evaluations, brute.length);
    for (const p of [50, 95, 99]) assert.equal(percentile(v.histogram, p), brute[Math.ceil((p / 100) * brute.length) - 1], `p${p}`);
    assert.equal(v.peak!.value, brute[brute.length - 1]);
    // The same max as the engine's `worst`.
    const config = defaultConfig();
    config.alerts.rate_limit_exceeded.window = '5m';
    const input = { providers: new Map([['p', { first: times[0], last: times[times.length - 1] }]]), series: { rate_limit_exceeded: new Map([['p', { times: Float64Array.from(times) }]]) } };
    const pairResult = backtest(input, config, { since: first, until: last, providers: ['p'] }).pairs.find((x) => x.key === 'rate_limit_exceeded')!;
    assert.equal(pairResult.worst, v.peak!.value);
    // And a threshold of the max never fires.
    assert.equal(evaluateSeries({ times }, { kind: 'increase', compare: 'above', threshold: v.peak!.value, windowMs, forMs: 0, minEvents: 0 }, first, last, step).episodes.length, 0);
  });

  test('nearest-rank percentiles', () => {
    const h = new Map([[0, 90], [5, 9], [20, 1]]);
    assert.deepEqual([percentile(h, 50), percentile(h, 95), percentile(h, 99), percentile(h, 100)], [0, 5, 5, 20]);
    assert.equal(percentile(new Map(), 50), null);
  });
});

describe('report formats and errors', () => {
  test('markdown: a table of contents, the checklist with ✓/⚠ and links, long lists folded', () => {
    const m = run(['report', log, '--until', UNTIL, '--quiet']);
    assert.equal(m.code, 0, m.stderr);
    assert.match(m.stdout, /^# Error analytics report: the week to 2026-11-23T00:00:00.000Z\n/);
    assert.match(m.stdout, /## Contents\n\n- \[Checklist\]\(#checklist\)\n- \[Trends\]\(#trends\)/);
    assert.match(m.stdout, /\| ⚠ \| daily \| \[Check rate-limit usage\]\(#rate-limit-usage\) \| openai peaked at 83\/100 on Tue 2026-11-17 14:01 UTC/);
    assert.match(m.stdout, /\| ✓ \| monthly \| \[Generate an error analytics report\]\(#checklist\) \|/);
    for (const s of ['## Trends', '## Rate-limit usage', '## Alert health', '## Threshold review', '## Error patterns', '## Recovery and retries', '## Provider reliability']) assert.ok(m.stdout.includes(`\n${s}\n`), s);
    // 18 alert × provider rows (6 backtested alerts, 3 providers): folded.
    assert.match(m.stdout, /<details>\n<summary>18 rows<\/summary>\n\n\| alert \| provider \| episodes/);
    assert.match(m.stdout, /\| gemini \| 240 \| 160 \| \+50% \|  \|/);
  });

  test('--out writes the file; bad input is one line and exit 2', () => {
    const out = join(dir, 'sub', 'r.md');
    assert.equal(run(['report', log, '--until', UNTIL, '--out', out, '--quiet']).code, 0);
    assert.match(readFileSync(out, 'utf8'), /## Checklist/);
    const bad = run(['report', log, '--period', 'year']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /argument 'year' is invalid/);
    const missing = run(['report', join(dir, 'nope.jsonl'), '--until', UNTIL]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.jsonl/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'alerts:\n  rate_limit_exceeded: { threshold: -1 }\n');
    const badConfig = run(['report', log, '--config', config]);
    assert.equal(badConfig.code, 2);
    assert.match(badConfig.stderr, /bad\.yaml.*2/);
  });
});
