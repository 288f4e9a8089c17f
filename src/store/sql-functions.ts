// PostgreSQL's date functions, for the queries of the error-analytics guide pasted into `sql` as they
// are: DATE_TRUNC(unit, time) and NOW(). Times are the store's ISO 8601 text; what comes back is too,
// in UTC, as the analyses print an hour ('2026-11-20T14:00:00Z'); NOW() in the stored form, so that it
// compares with `timestamp`.
import type Database from 'better-sqlite3';

const UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const;

function dateTrunc(unit: unknown, time: unknown): string | null {
  if (unit === null || time === null) return null;
  const u = String(unit).toLowerCase();
  if (!(UNITS as readonly string[]).includes(u)) throw new Error(`date_trunc: unit must be one of ${UNITS.join(', ')}`);
  const ms = typeof time === 'number' ? time * 1000 : Date.parse(String(time));
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  let t: number;
  switch (u) {
    case 'second': t = Math.floor(ms / 1000) * 1000; break;
    case 'minute': t = Math.floor(ms / 60_000) * 60_000; break;
    case 'hour': t = Math.floor(ms / 3_600_000) * 3_600_000; break;
    case 'day': t = Date.UTC(y, d.getUTCMonth(), d.getUTCDate()); break;
    case 'week': t = Date.UTC(y, d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7)); break; // Monday, as ISO weeks
    case 'month': t = Date.UTC(y, d.getUTCMonth(), 1); break;
    case 'quarter': t = Date.UTC(y, d.getUTCMonth() - (d.getUTCMonth() % 3), 1); break;
    default: t = Date.UTC(y, 0, 1);
  }
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

export function addPostgresFunctions(db: Database.Database): void {
  db.function('date_trunc', { deterministic: true }, dateTrunc);
  db.function('now', () => new Date().toISOString());
}
