// The alert backtest of `check` (issue 7): every enabled alert of the config evaluated over the events of
// the logs as Prometheus evaluates the generated rules over the metrics those events produce. Pure: it
// takes the events (from rows, or read from the store by src/check/events.ts), the config and a range.
//
// The rule, per alert and provider: evaluations at times t aligned to multiples of evaluation_interval
// since the Unix epoch; the value at t counts the alert's events with t - window < timestamp <= t (a
// count for increase rules, count / window seconds for rate rules, recovered / (recovered + failed) for
// the recovery ratio); pending while strictly above the threshold (below for the ratio, and only with at
// least min_events outcomes); firing from the first evaluation t at which it has been pending since
// t - for (Prometheus' activeAt <= t - for); resolved at the first evaluation where it no longer holds.
import { parseDurationSeconds } from '../config/duration.js';
import type { AlertKey, Config } from '../config/types.js';
import { seriesDef } from '../alerts/series.js';
import { ALERTS, alertDef, byCodePoint, effectiveAlerts, type EffectiveAlert } from '../alerts/definitions.js';
import { UserError } from '../model.js';

/** Why an alert cannot be backtested from logs: the series its rule reads that no log line gives. */
export function notBacktestableReason(key: AlertKey, prefix: string): string | null {
  const missing = alertDef(key).counters.filter((c) => seriesDef(c.suffix).rows === null).map((c) => `${prefix}_${c.suffix}`);
  return missing.length ? `no log line records ${missing.join(', ')}: the application must export it` : null;
}

/** An alert is backtested when every series its rule reads comes from log rows (src/alerts/series.ts). */
export const isBacktested = (key: AlertKey): boolean => alertDef(key).counters.every((c) => seriesDef(c.suffix).rows !== null);

/** One provider's events for one alert: epoch milliseconds, ascending; for the ratio, 1 = recovered, 0 = failed. */
export interface EventSeries {
  times: ArrayLike<number>;
  recovered?: ArrayLike<number>;
}

/** What the backtest reads: per alert key, per provider, the sorted events; and every provider's first and last event. */
export interface BacktestInput {
  providers: Map<string, { first: number; last: number }>;
  series: Partial<Record<AlertKey, Map<string, EventSeries>>>;
}

export interface BacktestRange {
  /** Range start (epoch ms, e.g. --since), or null for the earliest event. */
  since: number | null;
  /** Range end (epoch ms, e.g. --until), or null for the latest event plus the longest window. */
  until: number | null;
  /** Only these providers (ids); null or empty for every provider present. */
  providers?: string[] | null;
}

export interface Episode {
  alert: string;
  key: AlertKey;
  provider: string;
  severity: string;
  /** The evaluation at which it fires (epoch ms). */
  start: number;
  /** The evaluation at which it resolves, or null when still firing at the last evaluation. */
  end: number | null;
  /** The largest value at the evaluations from start up to, not including, end. */
  peak: number;
  /** The smallest value over the same evaluations (the worst recovery ratio, for LowLLMRecoveryRate). */
  low: number;
  /** Evaluations at which it was firing. */
  evaluations: number;
}

/** One evaluated alert and provider: its settings and what the backtest found. */
export interface PairResult {
  alert: string;
  key: AlertKey;
  provider: string;
  severity: string;
  kind: 'rate' | 'increase' | 'ratio';
  compare: 'above' | 'below';
  threshold: number;
  window: string;
  for: string;
  min_events: number | null;
  overridden: boolean;
  /** The value closest to firing over the range: the largest (the smallest ratio with min_events outcomes), or null if none. */
  worst: number | null;
  /** Events the alert counts for this provider (in the whole input, not only the range). */
  events: number;
  episodes: Episode[];
}

export interface BacktestResult {
  /** First and last evaluation (epoch ms), or null when there is none. */
  first: number | null;
  last: number | null;
  /** Evaluations per alert and provider. */
  evaluations: number;
  intervalMs: number;
  providers: string[];
  pairs: PairResult[];
  /** Every episode, by alert (in ALERTS order), provider, start. */
  episodes: Episode[];
  /** Enabled alerts (for some evaluated provider, or by default) that logs cannot backtest. */
  notBacktestable: Array<{ alert: string; key: AlertKey; reason: string }>;
}

const msOf = (duration: string, what: string): number => {
  try {
    return Math.round(parseDurationSeconds(duration) * 1000);
  } catch (err) {
    throw new UserError(`${what}: ${(err as Error).message}`);
  }
};

/** The first multiple of `step` at or after `t`, and the last at or before it. */
export const alignUp = (t: number, step: number): number => Math.ceil(t / step) * step;
export const alignDown = (t: number, step: number): number => Math.floor(t / step) * step;

/** Backtest every enabled, backtestable alert of `config` for every provider of `input` over `range`. */
/** Events at or after `since` and before `until` (either may be open) of sorted times. */
function countIn(times: ArrayLike<number>, since: number | null, until: number | null): number {
  const firstAtOrAfter = (t: number) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (until === null ? times.length : firstAtOrAfter(until)) - (since === null ? 0 : firstAtOrAfter(since));
}

/** `onPair(n, of)`: told before the n-th alert and provider of `of` is evaluated (for a progress line). */
export function backtest(input: BacktestInput, config: Config, range: BacktestRange, onPair?: (n: number, of: number) => void): BacktestResult {
  const intervalMs = msOf(config.evaluation_interval, 'evaluation_interval');
  if (!(intervalMs > 0)) throw new UserError(`evaluation_interval: must be longer than 0 (got ${config.evaluation_interval})`);
  const wanted = range.providers?.length ? new Set(range.providers) : null;
  const providers = [...input.providers.keys()].filter((p) => !wanted || wanted.has(p)).sort(byCodePoint);

  const plan: Array<{ provider: string; alert: EffectiveAlert; windowMs: number; forMs: number }> = [];
  for (const provider of providers) {
    for (const alert of effectiveAlerts(config, provider)) {
      if (!isBacktested(alert.key)) continue;
      plan.push({
        provider,
        alert,
        windowMs: msOf(alert.spec.window, `alerts.${alert.key}.window`),
        forMs: msOf(alert.spec.for, `alerts.${alert.key}.for`),
      });
    }
  }

  // The range: --since or the earliest event; --until or the latest event plus the longest window.
  let earliest = Infinity;
  let latest = -Infinity;
  for (const p of providers) {
    const span = input.providers.get(p)!;
    earliest = Math.min(earliest, span.first);
    latest = Math.max(latest, span.last);
  }
  const longest = plan.reduce((m, x) => Math.max(m, x.windowMs), 0);
  const start = range.since ?? (providers.length ? earliest : null);
  const end = range.until ?? (providers.length ? latest + longest : null);
  let first: number | null = null;
  let last: number | null = null;
  if (start !== null && end !== null && Number.isFinite(start) && Number.isFinite(end)) {
    const a = alignUp(start, intervalMs);
    const b = alignDown(end, intervalMs);
    if (a <= b) [first, last] = [a, b];
  }
  const evaluations = first === null || last === null ? 0 : (last - first) / intervalMs + 1;

  const pairs: PairResult[] = plan.map(({ provider, alert, windowMs, forMs }, i) => {
    onPair?.(i + 1, plan.length);
    const series = input.series[alert.key]?.get(provider) ?? { times: [] };
    const { episodes, worst } =
      first === null || last === null
        ? { episodes: [], worst: null }
        : evaluateSeries(series, { kind: alert.def.kind, compare: alert.def.compare, threshold: alert.spec.threshold, windowMs, forMs, minEvents: alert.spec.min_events ?? 0 }, first, last, intervalMs);
    return {
      alert: alert.name,
      key: alert.key,
      provider,
      severity: alert.spec.severity,
      kind: alert.def.kind,
      compare: alert.def.compare,
      threshold: alert.spec.threshold,
      window: alert.spec.window,
      for: alert.spec.for,
      min_events: alert.def.kind === 'ratio' ? (alert.spec.min_events ?? 0) : null,
      overridden: alert.overridden,
      worst,
      events: countIn(series.times, range.since, range.until),
      episodes: episodes.map((e) => ({ alert: alert.name, key: alert.key, provider, severity: alert.spec.severity, ...e })),
    };
  });
  const order = new Map(ALERTS.map((a, i) => [a.key, i]));
  pairs.sort((x, y) => order.get(x.key)! - order.get(y.key)! || byCodePoint(x.provider, y.provider));

  const notBacktestable: BacktestResult['notBacktestable'] = [];
  for (const def of ALERTS) {
    const reason = notBacktestableReason(def.key, config.metrics.prefix);
    if (reason === null) continue;
    const enabled = config.alerts[def.key].enabled || providers.some((p) => effectiveAlerts(config, p).some((a) => a.key === def.key));
    if (enabled) notBacktestable.push({ alert: def.name, key: def.key, reason });
  }

  return { first, last, evaluations, intervalMs, providers, pairs, episodes: pairs.flatMap((p) => p.episodes), notBacktestable };
}

export interface Condition {
  kind: 'rate' | 'increase' | 'ratio';
  compare: 'above' | 'below';
  threshold: number;
  windowMs: number;
  forMs: number;
  /** Ratio only: outcomes needed in the window before the ratio counts. */
  minEvents: number;
}

export type RawEpisode = Omit<Episode, 'alert' | 'key' | 'provider' | 'severity'>;

/**
 * Evaluate one alert over one provider's sorted events at first, first + step, ..., last. Two pointers
 * over the sorted times give each window's count in O(1) amortised; stretches where the window is empty
 * and nothing is pending jump to the evaluation of the next event, so the cost follows the events, not
 * the length of the range.
 */
export function evaluateSeries(series: EventSeries, cond: Condition, first: number, last: number, step: number): { episodes: RawEpisode[]; worst: number | null } {
  const times = series.times;
  const n = times.length;
  // For the ratio: recoveredBefore[i] = recovered outcomes among the first i events.
  let recoveredBefore: Int32Array | null = null;
  if (cond.kind === 'ratio') {
    recoveredBefore = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) recoveredBefore[i + 1] = recoveredBefore[i] + (series.recovered?.[i] ? 1 : 0);
  }
  const seconds = cond.windowMs / 1000;
  const episodes: RawEpisode[] = [];
  let worst: number | null = null;
  let lo = 0; // events with time <= t - window
  let hi = 0; // events with time <= t
  let activeAt: number | null = null; // first evaluation of the current pending run
  let open: RawEpisode | null = null;

  for (let t = first; t <= last; ) {
    while (hi < n && times[hi] <= t) hi++;
    while (lo < hi && times[lo] <= t - cond.windowMs) lo++;
    const count = hi - lo;
    let value: number | null;
    let pending: boolean;
    if (recoveredBefore) {
      // No outcome in the window: 0/0, which is no value (NaN in Prometheus), never below a threshold.
      value = count === 0 ? null : (recoveredBefore[hi] - recoveredBefore[lo]) / count;
      const counts = value !== null && count >= cond.minEvents;
      pending = counts && value! < cond.threshold;
      if (counts && (worst === null || value! < worst)) worst = value;
    } else {
      value = cond.kind === 'rate' ? count / seconds : count;
      pending = value > cond.threshold;
      if (worst === null || value > worst) worst = value;
    }

    if (pending) {
      activeAt ??= t;
      if (open) {
        open.evaluations++;
        if (value! > open.peak) open.peak = value!;
        if (value! < open.low) open.low = value!;
      } else if (t - activeAt >= cond.forMs) {
        open = { start: t, end: null, peak: value!, low: value!, evaluations: 1 };
      }
    } else {
      activeAt = null;
      if (open) {
        open.end = t;
        episodes.push(open);
        open = null;
      }
    }

    let next = t + step;
    if (!pending && count === 0) {
      if (hi >= n) break; // no event left: nothing can be pending again
      next = Math.max(next, alignUp(times[hi], step));
    }
    t = next;
  }
  if (open) episodes.push(open);
  return { episodes, worst };
}

/**
 * How many episodes evaluateSeries finds at each of `thresholds` (same order), from the values the alert
 * had: `points` are the evaluations that can be pending ([t, value], in time order: a count's non-zero
 * values, the ratio's values with min_events outcomes; the rest are never pending at a threshold of 0
 * or more). At a threshold the pending evaluations are the points past it; a run of them at consecutive
 * evaluations is one episode when it lasts `forMs`. One sweep over the points in order of value, joining
 * runs as the threshold passes them, gives every count at once, where evaluateSeries would take one
 * pass over the events per threshold. test/report-speed-equivalence.test.ts holds the two to each other.
 */
export function episodesAtThresholds(points: ReadonlyArray<readonly [number, number]>, compare: 'above' | 'below', forMs: number, step: number, thresholds: number[]): number[] {
  // Below is above on negated values: v < c is -v > -c.
  const sign = compare === 'below' ? -1 : 1;
  const n = points.length;
  const byValue = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => sign * (points[b][1] - points[a][1]));
  const order = Uint32Array.from(thresholds.keys()).sort((a, b) => sign * (thresholds[b] - thresholds[a]));
  const on = new Uint8Array(n);
  const startOf = new Int32Array(n); // at a run's last point: its first
  const endOf = new Int32Array(n); // at a run's first point: its last
  const lasts = (s: number, e: number) => (points[e][0] - points[s][0] >= forMs ? 1 : 0);
  const out = new Array<number>(thresholds.length);
  let episodes = 0;
  let next = 0;
  for (const k of order) {
    const c = sign * thresholds[k];
    if (sign === 1 && c < 0) throw new Error('episodesAtThresholds: a threshold below 0 would make every evaluation pending');
    for (; next < n && sign * points[byValue[next]][1] > c; next++) {
      const i = byValue[next];
      let s = i;
      let e = i;
      if (i > 0 && on[i - 1] && points[i][0] - points[i - 1][0] === step) {
        s = startOf[i - 1];
        episodes -= lasts(s, i - 1);
      }
      if (i + 1 < n && on[i + 1] && points[i + 1][0] - points[i][0] === step) {
        e = endOf[i + 1];
        episodes -= lasts(i + 1, e);
      }
      on[i] = 1;
      startOf[e] = s;
      endOf[s] = e;
      episodes += lasts(s, e);
    }
    out[k] = episodes;
  }
  return out;
}
