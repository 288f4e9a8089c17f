// The pattern analyses of DESIGN.md §5 and the summary around them, made from cells (cells.ts).
import { isFailed, isRecovered } from '../alerts/series.js';
import { MAX_SKIP_SAMPLES, type SkipSample } from '../model.js';
import { actionsFor, factsOf } from './actions.js';
import type { Cell } from '../cells.js';

export interface AnalysisReport {
  summary: {
    files: number;
    records: number;
    errors: number;
    ignored: number;
    skipped: number;
    from: string | null;
    to: string | null;
    by_provider: Array<{ provider: string; errors: number }>;
    by_type: Array<{ error_type: string | null; errors: number }>;
  };
  rate_limit_spikes: Array<{ provider: string; hour: string; count: number; throttled: number; quota: number; spike: boolean }>;
  /** How `spike` was judged: at least `min_events` in the hour and `factor` × the provider's median hour. */
  spike_rule: { min_events: number; factor: number };
  auth_failures: Array<{ provider: string; message: string | null; count: number }>;
  network_errors: Array<{ provider: string; avg_retries: number | null; total: number }>;
  recovery: Array<{ provider: string; recovered: number; failed: number; success_rate: number | null }>;
  skipped_samples: SkipSample[];
  actions: Record<string, string[]>; // for the analyses that have findings
}

/** What the ingest tells the summary (the rest comes from the rows in range). */
export interface IngestCounts {
  files: number;
  ignored: number;
  skipped: number;
  samples: SkipSample[];
}

/** What the report's judgements are measured against (config: analyze.spike_min, alerts.low_recovery_rate). */
export interface AnalysisOptions {
  top: number;
  spikeMin: number;
  /** The low_recovery_rate threshold that applies to a provider (its override, else the alert's). */
  recoveryThreshold: (provider: string) => number;
}

/** An hour is a spike at least this many times the provider's median hour. */
export const SPIKE_FACTOR = 3;

export const ANALYSES = ['rate_limit_spikes', 'auth_failures', 'network_errors', 'recovery'] as const;

/** Rounded as a decimal is printed (half away from zero on the stored double). */
export const round = (x: number, places: number) => Number(x.toFixed(places));

// SQLite's order: NULL first, then by code point.
const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

/** Sum `value` of the cells that `keep`, grouped by `key`. */
function groupSum(cells: Cell[], keep: (c: Cell) => boolean, key: (c: Cell) => string, value: (c: Cell) => number[]) {
  const out = new Map<string, { cell: Cell; sums: number[] }>();
  for (const c of cells) {
    if (!keep(c)) continue;
    const k = key(c);
    const v = value(c);
    const g = out.get(k);
    if (g) v.forEach((x, i) => (g.sums[i] += x));
    else out.set(k, { cell: c, sums: v });
  }
  return [...out.values()];
}

export function buildAnalysisReport(cellIter: Iterable<Cell>, ingest: IngestCounts, opts: AnalysisOptions): AnalysisReport {
  const cells: Cell[] = [];
  const spikeCells: Cell[] = [];
  for (const c of cellIter) (c.hour === null ? cells : spikeCells).push(c);
  const isError = (c: Cell) => c.event === 'error';
  const errorOf = (type: string) => (c: Cell) => c.event === 'error' && c.error_type === type;
  const n = (c: Cell) => [c.n];

  let records = 0;
  let errors = 0;
  let from: string | null = null;
  let to: string | null = null;
  for (const c of cells) {
    records += c.n;
    if (isError(c)) errors += c.n;
    if (from === null || c.min_ts < from) from = c.min_ts;
    if (to === null || c.max_ts > to) to = c.max_ts;
  }

  const byProvider = groupSum(cells, isError, (c) => c.provider, n)
    .map((g) => ({ provider: g.cell.provider, errors: g.sums[0] }))
    .sort((a, b) => b.errors - a.errors || cmp(a.provider, b.provider));
  const byType = groupSum(cells, isError, (c) => String(c.error_type), n)
    .map((g) => ({ error_type: g.cell.error_type, errors: g.sums[0] }))
    .sort((a, b) => b.errors - a.errors || cmp(a.error_type, b.error_type));
  const quota = (c: Cell) => (c.subtype === 'quota_exhausted' ? c.n : 0);
  const hourly = groupSum(spikeCells, () => true, (c) => `${c.provider}\u0000${c.hour}`, (c) => [c.n, quota(c)])
    .map((g) => ({ provider: g.cell.provider, hour: g.cell.hour!, count: g.sums[0], throttled: g.sums[0] - g.sums[1], quota: g.sums[1], spike: false }));
  const medians = medianHours(hourly, from, to);
  for (const h of hourly) h.spike = h.count >= opts.spikeMin && h.count >= SPIKE_FACTOR * medians.get(h.provider)!;
  const spikes = hourly
    .sort((a, b) => b.count - a.count || cmp(a.provider, b.provider) || cmp(a.hour, b.hour))
    .slice(0, opts.top);
  const auth = groupSum(cells, errorOf('auth_error'), (c) => `${c.provider}\u0000${c.message}`, n)
    .map((g) => ({ provider: g.cell.provider, message: g.cell.message, count: g.sums[0] }))
    .sort((a, b) => b.count - a.count || cmp(a.provider, b.provider) || cmp(a.message, b.message));
  const network = groupSum(cells, errorOf('network_error'), (c) => c.provider, (c) => [c.n, c.retry_sum, c.retry_n])
    .map((g) => ({ provider: g.cell.provider, avg_retries: g.sums[2] > 0 ? round(g.sums[1] / g.sums[2], 2) : null, total: g.sums[0] }))
    .sort((a, b) => b.total - a.total || cmp(a.provider, b.provider));
  const recovery = groupSum(cells, () => true, (c) => c.provider, (c) => [isRecovered(c) ? c.n : 0, isFailed(c) ? c.n : 0])
    .filter((g) => g.sums[0] + g.sums[1] > 0)
    .map((g) => ({
      provider: g.cell.provider,
      recovered: g.sums[0],
      failed: g.sums[1],
      success_rate: round(g.sums[0] / (g.sums[0] + g.sums[1]), 4),
    }))
    .sort((a, b) => cmp(a.provider, b.provider));

  const report: AnalysisReport = {
    summary: { files: ingest.files, records, errors, ignored: ingest.ignored, skipped: ingest.skipped, from, to, by_provider: byProvider, by_type: byType },
    rate_limit_spikes: spikes,
    spike_rule: { min_events: opts.spikeMin, factor: SPIKE_FACTOR },
    auth_failures: auth,
    network_errors: network,
    recovery,
    skipped_samples: ingest.samples.slice(0, MAX_SKIP_SAMPLES),
    actions: {},
  };
  const facts = factsOf(cells);
  const spikeHours = new Map<string, number>();
  for (const h of hourly) if (h.spike) spikeHours.set(h.provider, (spikeHours.get(h.provider) ?? 0) + 1);
  facts.counts.set('spike', spikeHours);
  for (const r of recovery) {
    const threshold = opts.recoveryThreshold(r.provider);
    if (r.success_rate !== null && r.success_rate < threshold) facts.lowRecovery.set(r.provider, { rate: r.success_rate, threshold });
  }
  report.actions = actionsFor(facts);
  return report;
}

/**
 * Each provider's median hour: over every UTC hour from the first to the last record in range, an
 * hour without a rate-limit error counting as 0 (a quiet baseline makes a burst stand out; a steady
 * rate is no spike however high).
 */
function medianHours(hourly: Array<{ provider: string; hour: string; count: number }>, from: string | null, to: string | null): Map<string, number> {
  const HOUR = 3_600_000;
  const start = from === null ? 0 : Math.floor(Date.parse(from) / HOUR);
  const hours = to === null ? 1 : Math.floor(Date.parse(to) / HOUR) - start + 1;
  const perProvider = new Map<string, number[]>();
  for (const h of hourly) {
    const list = perProvider.get(h.provider) ?? [];
    perProvider.set(h.provider, list);
    list.push(h.count);
  }
  const out = new Map<string, number>();
  for (const [provider, counts] of perProvider) {
    counts.sort((a, b) => a - b);
    const zeros = Math.max(0, hours - counts.length);
    const at = (i: number) => (i < zeros ? 0 : counts[i - zeros]);
    const n = zeros + counts.length;
    out.set(provider, (at(Math.floor((n - 1) / 2)) + at(Math.floor(n / 2))) / 2);
  }
  return out;
}
