// The pattern analyses of DESIGN.md §5, answered by SQL over the store, and the summary around them.
import type Database from 'better-sqlite3';
import type { SkipSample } from '../model.js';
import type { IngestResult } from '../ingest/ingest.js';
import { ACTIONS } from './actions.js';

export interface RowFilter {
  since: string | null; // inclusive, ISO
  until: string | null; // exclusive, ISO
  providers: string[]; // empty: all
}

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

export const ANALYSES = ['rate_limit_spikes', 'auth_failures', 'network_errors', 'recovery'] as const;

/** Rounded as a decimal is printed (half away from zero on the stored double). */
export const round = (x: number, places: number) => Number(x.toFixed(places));

export function buildReport(db: Database.Database, filter: RowFilter, ingest: Pick<IngestResult, 'files' | 'ignored' | 'skipped' | 'samples'>, top = 20): Report {
  const conds: string[] = [];
  const params: unknown[] = [];
  if (filter.since) conds.push('timestamp >= ?'), params.push(filter.since);
  if (filter.until) conds.push('timestamp < ?'), params.push(filter.until);
  if (filter.providers.length) conds.push(`provider IN (${filter.providers.map(() => '?').join(',')})`), params.push(...filter.providers);
  const inRange = conds.length ? conds.join(' AND ') : '1';
  const all = <T>(sql: string, ...extra: unknown[]) => db.prepare(sql).all(...params, ...extra) as T[];
  const errors = `${inRange} AND event = 'error'`;

  const totals = db
    .prepare(`SELECT count(*) AS records, coalesce(sum(event = 'error'), 0) AS errors, min(timestamp) AS "from", max(timestamp) AS "to" FROM error_logs WHERE ${inRange}`)
    .get(...params) as { records: number; errors: number; from: string | null; to: string | null };

  const report: Report = {
    summary: {
      files: ingest.files,
      records: totals.records,
      errors: totals.errors,
      ignored: ingest.ignored,
      skipped: ingest.skipped,
      from: totals.from,
      to: totals.to,
      by_provider: all(`SELECT provider, count(*) AS errors FROM error_logs WHERE ${errors} GROUP BY provider ORDER BY errors DESC, provider`),
      by_type: all(`SELECT error_type, count(*) AS errors FROM error_logs WHERE ${errors} GROUP BY error_type ORDER BY errors DESC, error_type`),
    },
    rate_limit_spikes: all(
      `SELECT provider, strftime('%Y-%m-%dT%H:00:00Z', timestamp) AS hour, count(*) AS count FROM error_logs
       WHERE ${errors} AND error_type = 'rate_limit' GROUP BY provider, hour ORDER BY count DESC, provider, hour LIMIT ?`,
      top,
    ),
    auth_failures: all(
      `SELECT provider, error_message AS message, count(*) AS count FROM error_logs
       WHERE ${errors} AND error_type = 'auth_error' GROUP BY provider, error_message ORDER BY count DESC, provider, message`,
    ),
    network_errors: all<{ provider: string; avg_retries: number | null; total: number }>(
      `SELECT provider, avg(retry_count) AS avg_retries, count(*) AS total FROM error_logs
       WHERE ${errors} AND error_type = 'network_error' GROUP BY provider ORDER BY total DESC, provider`,
    ).map((r) => ({ ...r, avg_retries: r.avg_retries === null ? null : round(r.avg_retries, 2) })),
    recovery: all<{ provider: string; recovered: number; failed: number }>(
      `SELECT provider,
         sum(event = 'recovered' OR (event = 'error' AND outcome = 'recovered')) AS recovered,
         sum(event = 'failed' OR (event = 'error' AND outcome = 'failed')) AS failed
       FROM error_logs WHERE ${inRange} GROUP BY provider HAVING recovered + failed > 0 ORDER BY provider`,
    ).map((r) => ({ ...r, success_rate: round(r.recovered / (r.recovered + r.failed), 4) })),
    skipped_samples: ingest.samples.slice(0, 20),
    actions: {},
  };
  for (const key of ANALYSES) if (report[key].length > 0) report.actions[key] = ACTIONS[key];
  return report;
}
