// The one definition of every metric series that the generated rules and dashboards read: its name,
// type, help, labels and which stored rows count into it. `serve` and `export` emit these series from
// the rows, `check` backtests the rules on the same rows, and gen-alerts / gen-dashboard write PromQL
// over the same names (test/series.test.ts parses every generated expression and holds them to this).
import type { Row } from '../model.js';

export type SeriesRow = Pick<Row, 'event' | 'error_type' | 'outcome' | 'status_code' | 'provider' | 'fallback_to'>;

export interface SeriesDef {
  /** The metric name after `<metrics.prefix>_`. */
  suffix: string;
  type: 'counter' | 'histogram';
  help: string;
  /** Label names, `provider` first. A label whose value is null for a row is left off that row's series. */
  labels: readonly string[];
  /**
   * Which stored rows count into it, as SQL over error_logs and as a predicate, and the label values of
   * a counted row; null for a series no log line records (the application must export it itself).
   */
  rows: { where: string; match: (r: SeriesRow) => boolean; labels: Record<string, (r: SeriesRow) => string | null> } | null;
}

/** An HTTP status as a label value: only real statuses (100-599), so a stray number cannot add series. */
export const statusLabel = (code: number | null): string | null => (code !== null && code >= 100 && code <= 599 ? String(code) : null);

/** A request that succeeded after retries, or failed for good: the recovery rate's two counts (also the report's). */
export const isRecovered = (r: { event: string; outcome: string | null }) => r.event === 'recovered' || (r.event === 'error' && r.outcome === 'recovered');
export const isFailed = (r: { event: string; outcome: string | null }) => r.event === 'failed' || (r.event === 'error' && r.outcome === 'failed');
const byProvider = { provider: (r: SeriesRow) => r.provider };

export const SERIES: readonly SeriesDef[] = [
  {
    suffix: 'errors_total',
    type: 'counter',
    help: 'Failed LLM provider calls, by provider, error type and HTTP status (when there was one).',
    labels: ['provider', 'error_type', 'status_code'],
    rows: {
      where: "event = 'error'",
      match: (r) => r.event === 'error',
      labels: { provider: (r) => r.provider, error_type: (r) => r.error_type ?? 'unknown', status_code: (r) => statusLabel(r.status_code) },
    },
  },
  {
    suffix: 'rate_limits_total',
    type: 'counter',
    help: 'Rate-limit errors (throttling and quota exhaustion), by provider.',
    labels: ['provider'],
    rows: { where: "event = 'error' AND error_type = 'rate_limit'", match: (r) => r.event === 'error' && r.error_type === 'rate_limit', labels: byProvider },
  },
  {
    suffix: 'errors_recovered_total',
    type: 'counter',
    help: 'Requests that succeeded after retrying an error, by provider.',
    labels: ['provider'],
    rows: { where: "event = 'recovered' OR (event = 'error' AND outcome = 'recovered')", match: isRecovered, labels: byProvider },
  },
  {
    suffix: 'errors_failed_total',
    type: 'counter',
    help: 'Requests that failed for good after retries, by provider.',
    labels: ['provider'],
    rows: { where: "event = 'failed' OR (event = 'error' AND outcome = 'failed')", match: isFailed, labels: byProvider },
  },
  {
    suffix: 'fallback_triggered_total',
    type: 'counter',
    help: 'Fallbacks from a provider to a secondary one, by the provider fallen back from and the one fallen back to.',
    labels: ['provider', 'fallback'],
    // The secondary provider is read from the record but not stored: the SQL side cannot give the label.
    rows: { where: "event = 'fallback'", match: (r) => r.event === 'fallback', labels: { provider: (r) => r.provider, fallback: (r) => r.fallback_to ?? null } },
  },
  {
    suffix: 'circuit_breaker_rejected_total',
    type: 'counter',
    help: 'Requests the circuit breaker rejected, by provider (exported by the application: no log line records them).',
    labels: ['provider'],
    rows: null,
  },
  {
    suffix: 'error_handling_duration_ms',
    type: 'histogram',
    help: 'Time spent detecting and handling a provider error (exported by the application: logs do not time it).',
    labels: ['provider', 'error_type'],
    rows: null,
  },
];

/** The series a log line can give: what `serve` and `export` emit. */
export const FROM_LOGS: readonly SeriesDef[] = SERIES.filter((s) => s.rows !== null);

/** The series only the application can export: their alerts and panels say so. */
export const APPLICATION_ONLY: readonly SeriesDef[] = SERIES.filter((s) => s.rows === null);

export function seriesDef(suffix: string): SeriesDef {
  const s = SERIES.find((d) => d.suffix === suffix);
  if (!s) throw new Error(`no series ${suffix}`);
  return s;
}

/** SQL over error_logs for the value a row gives `label` of `def` (as `labels` computes it). */
export function labelSql(def: SeriesDef, label: string): string {
  if (!def.labels.includes(label)) throw new Error(`${def.suffix} has no label ${label}`);
  if (label === 'error_type') return "coalesce(error_type, 'unknown')";
  if (label === 'fallback') throw new Error('the fallback label is not stored');
  if (label === 'status_code') return 'CASE WHEN status_code BETWEEN 100 AND 599 THEN CAST(status_code AS TEXT) END';
  return label;
}
