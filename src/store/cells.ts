// The analyses' cells (src/cells.ts) of the rows of a kept store: counted by SQL, and cached per filter
// and generation. test/structure.test.ts holds the SQL to Cells.add over random rows.
import type Database from 'better-sqlite3';
import { CELLS_VERSION, SUBTYPED, type Cell, type RowFilter, type RunCells } from '../cells.js';

const spike = (provider: string, hour: string, subtype: string | null, n: number, ts: string): Cell => ({
  provider, hour, event: 'error', error_type: 'rate_limit', subtype, outcome: null, message: null, n, retry_sum: 0, retry_n: 0, min_ts: ts, max_ts: ts,
});

/**
 * The cells of the rows of a kept store, remembered per filter and generation: cells add up, so the
 * cells of the last run plus what this run added are the cells now, when no one else wrote meanwhile.
 */
export function storedCells(db: Database.Database, filter: RowFilter, run: RunCells | null = null): Cell[] {
  const key = JSON.stringify({ cells: CELLS_VERSION, ...filter });
  const generation = db.prepare("SELECT value FROM meta WHERE key = 'generation'").pluck().get() as number;
  const cachedAt = (g: number) =>
    db.prepare('SELECT cells FROM cells_cache WHERE filter = ? AND generation = ?').pluck().get(key, g) as string | undefined;
  const now = cachedAt(generation);
  if (now !== undefined) return JSON.parse(now) as Cell[];
  let cells: Cell[] | null = null;
  if (run && run.exact && generation === run.fromGeneration + run.bumps) {
    const before = run.fromGeneration === 0 ? '[]' : cachedAt(run.fromGeneration);
    if (before !== undefined) {
      for (const c of JSON.parse(before) as Cell[]) run.cells.merge(c);
      cells = [...run.cells.values()];
    }
  }
  cells ??= countCells(db, filter);
  db.transaction(() => {
    db.prepare('DELETE FROM cells_cache WHERE generation <> ?').run(generation);
    db.prepare('INSERT OR REPLACE INTO cells_cache (filter, generation, cells) VALUES (?, ?, ?)').run(key, generation, JSON.stringify(cells));
  })();
  return cells;
}

/** The cells of the rows of a kept store: one pass for the sums, one for the spike counters. */
function countCells(db: Database.Database, filter: RowFilter): Cell[] {
  const conds: string[] = [];
  const params: unknown[] = [];
  if (filter.since) conds.push('timestamp >= ?'), params.push(filter.since);
  if (filter.until) conds.push('timestamp < ?'), params.push(filter.until);
  if (filter.providers.length) conds.push(`provider IN (${filter.providers.map(() => '?').join(',')})`), params.push(...filter.providers);
  const subtyped = `CASE WHEN event = 'error' AND error_type IN (${SUBTYPED.map((t) => `'${t}'`).join(', ')}) THEN error_subtype END`;
  const where = (extra?: string) => (conds.length || extra ? `WHERE ${[...conds, ...(extra ? [extra] : [])].join(' AND ')}` : '');
  const sums = db
    .prepare(
      `SELECT provider, NULL AS hour, event, error_type, ${subtyped} AS subtype, outcome,
         CASE WHEN event = 'error' AND error_type = 'auth_error' THEN error_message END AS message,
         count(*) AS n, coalesce(sum(retry_count), 0) AS retry_sum, count(retry_count) AS retry_n,
         min(timestamp) AS min_ts, max(timestamp) AS max_ts
       FROM error_logs ${where()} GROUP BY 1, 3, 4, 5, 6, 7`,
    )
    .all(...params) as Cell[];
  const spikes = db
    .prepare(
      `SELECT provider, substr(timestamp, 1, 13) || ':00:00Z' AS hour, error_subtype AS subtype, count(*) AS n, min(timestamp) AS ts
       FROM error_logs ${where("event = 'error' AND error_type = 'rate_limit'")} GROUP BY 1, 2, 3`,
    )
    .all(...params) as Array<{ provider: string; hour: string; subtype: string | null; n: number; ts: string }>;
  return [...sums, ...spikes.map((r) => spike(r.provider, r.hour, r.subtype, r.n, r.ts))];
}
