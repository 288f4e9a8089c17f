// The pattern analyses of DESIGN.md §5 and the summary around them, made from cells (cells.ts).
import { MAX_SAMPLES, type SkipSample } from '../model.js';
import { ACTIONS } from './actions.js';
import type { Cell } from './cells.js';

export interface Report {
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
  rate_limit_spikes: Array<{ provider: string; hour: string; count: number }>;
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

export function buildReport(cellIter: Iterable<Cell>, ingest: IngestCounts, top = 20): Report {
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
  const spikes = groupSum(spikeCells, () => true, (c) => `${c.provider}\u0000${c.hour}`, n)
    .map((g) => ({ provider: g.cell.provider, hour: g.cell.hour!, count: g.sums[0] }))
    .sort((a, b) => b.count - a.count || cmp(a.provider, b.provider) || cmp(a.hour, b.hour))
    .slice(0, top);
  const auth = groupSum(cells, errorOf('auth_error'), (c) => `${c.provider}\u0000${c.message}`, n)
    .map((g) => ({ provider: g.cell.provider, message: g.cell.message, count: g.sums[0] }))
    .sort((a, b) => b.count - a.count || cmp(a.provider, b.provider) || cmp(a.message, b.message));
  const network = groupSum(cells, errorOf('network_error'), (c) => c.provider, (c) => [c.n, c.retry_sum, c.retry_n])
    .map((g) => ({ provider: g.cell.provider, avg_retries: g.sums[2] > 0 ? round(g.sums[1] / g.sums[2], 2) : null, total: g.sums[0] }))
    .sort((a, b) => b.total - a.total || cmp(a.provider, b.provider));
  const outcome = (c: Cell, what: 'recovered' | 'failed') => (c.event === what || (c.event === 'error' && c.outcome === what) ? c.n : 0);
  const recovery = groupSum(cells, () => true, (c) => c.provider, (c) => [outcome(c, 'recovered'), outcome(c, 'failed')])
    .filter((g) => g.sums[0] + g.sums[1] > 0)
    .map((g) => ({
      provider: g.cell.provider,
      recovered: g.sums[0],
      failed: g.sums[1],
      success_rate: round(g.sums[0] / (g.sums[0] + g.sums[1]), 4),
    }))
    .sort((a, b) => cmp(a.provider, b.provider));

  const report: Report = {
    summary: { files: ingest.files, records, errors, ignored: ingest.ignored, skipped: ingest.skipped, from, to, by_provider: byProvider, by_type: byType },
    rate_limit_spikes: spikes,
    auth_failures: auth,
    network_errors: network,
    recovery,
    skipped_samples: ingest.samples.slice(0, MAX_SAMPLES),
    actions: {},
  };
  for (const key of ANALYSES) if (report[key].length > 0) report.actions[key] = ACTIONS[key];
  return report;
}
