// The report's sections that read the alerts (issue 15, sections 2-4): rate-limit usage, alert health
// and threshold review. Firing is check's engine (src/check/backtest.ts), called, never copied: the
// backtest over the period, near misses as the episodes of the same alert at 80% of its threshold, and a
// suggested threshold as the one whose backtest fires at most once a week.
import { backtest, episodesAtThresholds, evaluateSeries, type Condition, type EventSeries, type PairResult } from '../check/backtest.js';
import { parseDurationSeconds } from '../config/duration.js';
import { effectiveSpec, type Config } from '../config/types.js';
import { bucketOf, iso, round, WEEK_MS, type Period } from './period.js';
import type { ReportTally } from './tally.js';
import { alertValues, percentile, type Values } from './values.js';

/** A stretch above this share of the threshold that never fired is a near miss. */
export const NEAR_MISS = 0.8;
/** More episodes than this in one UTC day is flapping. */
export const FLAPPING_PER_DAY = 3;

export interface RateLimitUsage {
  provider: string;
  alert_enabled: boolean;
  threshold: number;
  window: string;
  /** The largest value of RateLimitExceeded (rate-limit errors in its window) over the period's evaluations. */
  peak: number;
  peak_at: string | null;
  /** peak / threshold (null for a threshold of 0). */
  fraction: number | null;
  text: string;
  throttled: number;
  quota_exhausted: number;
  quota_first: string | null;
  quota_last: string | null;
  /** The peak per bucket, for the chart. */
  by_bucket: Array<{ bucket: string; peak: number }>;
}

export interface AlertHealth {
  alert: string;
  provider: string;
  severity: string;
  threshold: number;
  compare: 'above' | 'below';
  window: string;
  for: string;
  episodes: number;
  firing_minutes: number;
  flapping: boolean;
  flapping_days: Array<{ day: string; episodes: number }>;
  near_misses: Array<{ start: string; end: string | null; value: number; fraction: number | null }>;
  episode_list: Array<{ start: string; end: string | null; peak: number }>;
}

export interface ThresholdReview {
  alert: string;
  key: PairResult['key'];
  provider: string;
  kind: 'rate' | 'increase' | 'ratio';
  compare: 'above' | 'below';
  evaluations: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  min: number | null;
  threshold: number;
  episodes: number;
  /** Episodes a threshold may fire on this history: once a week (0 for a day). */
  allowed_episodes: number;
  suggested: number | null;
  suggested_episodes: number | null;
  reasoning: string;
}

export interface AlertSections {
  evaluation: { first: string | null; last: string | null; interval: string; evaluations: number };
  rate_limit_usage: RateLimitUsage[];
  alert_health: { alerts: AlertHealth[]; not_backtestable: Array<{ alert: string; reason: string }> };
  threshold_review: ThresholdReview[];
}

const num = (v: number | null) => (v === null ? null : round(v, 6));
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const when = (t: number) => `${DAYS[new Date(t).getUTCDay()]} ${iso(t).slice(0, 10)} ${iso(t).slice(11, 16)} UTC`;

export function alertSections(tally: ReportTally, config: Config, p: Period, providers: string[]): AlertSections {
  const input = tally.events.input();
  // (No provider in the period: the backtest would read an empty list as "every provider".)
  const result = providers.length
    ? backtest(input, config, { since: p.from, until: p.to, providers })
    : { first: null, last: null, evaluations: 0, intervalMs: parseDurationSeconds(config.evaluation_interval) * 1000, pairs: [], notBacktestable: [] };
  const { first, last, intervalMs } = result;
  const seriesOf = (key: PairResult['key'], provider: string): EventSeries => input.series[key]?.get(provider) ?? { times: [] };
  const valuesOf = (pair: PairResult): Values =>
    alertValues(seriesOf(pair.key, pair.provider), { kind: pair.kind, windowMs: ms(pair.window), minEvents: pair.min_events ?? 0 }, first, last, intervalMs);
  const episodesAt = (pair: PairResult, threshold: number, forMs = ms(pair.for)) =>
    first === null || last === null ? [] : evaluateSeries(seriesOf(pair.key, pair.provider), condition(pair, threshold, forMs), first, last, intervalMs).episodes;

  const rateLimits = providers.map((provider) => rateLimitUsage(tally, config, p, provider, seriesOf('rate_limit_exceeded', provider), first, last, intervalMs));

  const alerts: AlertHealth[] = result.pairs.map((pair) => {
    const below = pair.compare === 'below';
    const near = below ? 1 - NEAR_MISS * (1 - pair.threshold) : NEAR_MISS * pair.threshold;
    const fired = pair.episodes.map((e) => [e.start, e.end ?? last! + intervalMs] as const);
    const nearMisses = episodesAt(pair, near, 0)
      .filter((n) => !fired.some(([s, e]) => n.start < e && s < (n.end ?? last! + intervalMs)))
      .map((n) => {
        const value = below ? n.low : n.peak;
        return { start: iso(n.start), end: n.end === null ? null : iso(n.end), value: round(value, 6), fraction: fraction(value, pair) };
      });
    const perDay = new Map<string, number>();
    for (const e of pair.episodes) perDay.set(iso(e.start).slice(0, 10), (perDay.get(iso(e.start).slice(0, 10)) ?? 0) + 1);
    const flapping = [...perDay].filter(([, n]) => n > FLAPPING_PER_DAY).map(([day, episodes]) => ({ day, episodes }));
    return {
      alert: pair.alert,
      provider: pair.provider,
      severity: pair.severity,
      threshold: pair.threshold,
      compare: pair.compare,
      window: pair.window,
      for: pair.for,
      episodes: pair.episodes.length,
      firing_minutes: round((pair.episodes.reduce((n, e) => n + e.evaluations, 0) * intervalMs) / 60_000, 2),
      flapping: flapping.length > 0,
      flapping_days: flapping,
      near_misses: nearMisses,
      episode_list: pair.episodes.map((e) => ({ start: iso(e.start), end: e.end === null ? null : iso(e.end), peak: round(below ? e.low : e.peak, 6) })),
    };
  });

  const allowed = Math.floor(p.lengthMs / WEEK_MS);
  const review: ThresholdReview[] = result.pairs.map((pair) => {
    const v = valuesOf(pair);
    const below = pair.compare === 'below';
    // The candidates are the values seen: between two of them every threshold fires alike. Above: the
    // smallest that fires at most `allowed` times; below (the ratio): the largest.
    const candidates = [...v.histogram.keys()].sort((a, b) => (below ? b - a : a - b));
    const [suggested, suggestedEpisodes] = firstAllowed(candidates, allowed, (c) => episodesAt(pair, c).length, () =>
      episodesAtThresholds(v.points, pair.compare, ms(pair.for), intervalMs, candidates),
    );
    const values = [...v.histogram.keys()];
    const row: ThresholdReview = {
      alert: pair.alert,
      key: pair.key,
      provider: pair.provider,
      kind: pair.kind,
      compare: pair.compare,
      evaluations: v.evaluations,
      p50: num(percentile(v.histogram, 50)),
      p95: num(percentile(v.histogram, 95)),
      p99: num(percentile(v.histogram, 99)),
      max: values.length ? num(Math.max(...values)) : null,
      min: values.length ? num(Math.min(...values)) : null,
      threshold: pair.threshold,
      episodes: pair.episodes.length,
      allowed_episodes: allowed,
      suggested: num(suggested),
      suggested_episodes: suggestedEpisodes,
      reasoning: '',
    };
    row.reasoning = reasoning(row, p);
    return row;
  });

  return {
    evaluation: { first: first === null ? null : iso(first), last: last === null ? null : iso(last), interval: config.evaluation_interval, evaluations: result.evaluations },
    rate_limit_usage: rateLimits,
    alert_health: { alerts, not_backtestable: result.notBacktestable.map((n) => ({ alert: n.alert, reason: n.reason })) },
    threshold_review: review,
  };
}

/**
 * The first candidate whose backtest (`episodes`) fires at most `allowed` times, and how often: found
 * from every candidate's count at once (`counts`), then the backtest run at that one and the one before
 * it; should they disagree, the backtest is run at each candidate in turn, as it would be without counts.
 */
export function firstAllowed(candidates: number[], allowed: number, episodes: (c: number) => number, counts: () => number[]): [number | null, number | null] {
  const all = candidates.length ? counts() : [];
  const k = all.findIndex((n) => n <= allowed);
  if (k >= 0) {
    const n = episodes(candidates[k]);
    if (n === all[k] && (k === 0 || episodes(candidates[k - 1]) === all[k - 1])) return [candidates[k], n];
  }
  for (const c of candidates) {
    const n = episodes(c);
    if (n <= allowed) return [c, n];
  }
  return [null, null];
}

const ms = (duration: string) => Math.round(parseDurationSeconds(duration) * 1000);

function condition(pair: PairResult, threshold: number, forMs: number): Condition {
  return { kind: pair.kind, compare: pair.compare, threshold, windowMs: ms(pair.window), forMs, minEvents: pair.min_events ?? 0 };
}

/** How close a value came: value / threshold; for the ratio, the failure share against the one allowed. */
function fraction(value: number, pair: { compare: 'above' | 'below'; threshold: number }): number | null {
  const [v, t] = pair.compare === 'below' ? [1 - value, 1 - pair.threshold] : [value, pair.threshold];
  return t > 0 ? round(v / t, 4) : null;
}

function reasoning(r: ThresholdReview, p: Period): string {
  if (r.evaluations === 0) return r.kind === 'ratio' ? 'no evaluation had enough outcomes for the ratio' : 'no evaluation in the period';
  const times = (n: number) => `${n} time${n === 1 ? '' : 's'}`;
  const once = r.allowed_episodes === 0 ? `never in a ${p.name}` : `at most ${times(r.allowed_episodes)} in this ${p.name} (once a week)`;
  const spread = `over ${r.evaluations} evaluations p50 ${r.p50}, p95 ${r.p95}, p99 ${r.p99}, ${r.compare === 'below' ? `min ${r.min}` : `max ${r.max}`}`;
  const configured = `the configured ${r.threshold} fired ${times(r.episodes)}`;
  const at = r.suggested === null ? 'no threshold among the values seen fires that rarely' : `${r.suggested} would have fired ${times(r.suggested_episodes!)}`;
  return `${spread}; ${configured}; to fire ${once}, ${at}`;
}

function rateLimitUsage(
  tally: ReportTally, config: Config, p: Period, provider: string, series: EventSeries, first: number | null, last: number | null, step: number,
): RateLimitUsage {
  const spec = effectiveSpec(config, 'rate_limit_exceeded', provider);
  const v = alertValues(series, { kind: 'increase', windowMs: ms(spec.window), minEvents: 0 }, first, last, step);
  const byBucket = new Map<string, number>();
  for (const [t, value] of v.points) byBucket.set(bucketOf(p, t), Math.max(byBucket.get(bucketOf(p, t)) ?? 0, value));
  const c = tally.providers.get(provider)!;
  const peak = v.peak?.value ?? 0;
  const at = peak > 0 ? v.peak!.at : null;
  return {
    provider,
    alert_enabled: spec.enabled,
    threshold: spec.threshold,
    window: spec.window,
    peak,
    peak_at: at === null ? null : iso(at),
    fraction: fraction(peak, { compare: 'above', threshold: spec.threshold }),
    text: at === null ? 'no rate-limit error in the period' : `peaked at ${peak}/${spec.threshold} on ${when(at)}`,
    throttled: c.throttled,
    quota_exhausted: c.quota,
    quota_first: c.quotaFirst,
    quota_last: c.quotaLast,
    by_bucket: [...byBucket].map(([bucket, peak]) => ({ bucket, peak })).sort((a, b) => a.bucket.localeCompare(b.bucket)),
  };
}
