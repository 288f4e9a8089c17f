// Cross-artifact twins: the same provider error seen in two VT Code artifacts (a debug-log line and
// a session archive or trajectory) within TWIN_WINDOW_MS is one event. The row stored first stays and
// takes from the other what it lacks. One definition for the kept store (SQL) and a one-shot run
// (rows in memory): memory.ts and store.ts both use these.
import type { Row } from '../model.js';
import { CAUSE_COLUMN } from './packed.js';

/** How far apart (either side) two artifacts' timestamps of one event may be. */
export const TWIN_WINDOW_MS = 1000;

/** The fields a twin fills from the other artifact when it has none (the provider too, when 'unknown'). */
const FILLED = ['model', 'error_type', 'error_subtype', 'status_code', 'error_message', 'retry_count', 'retryable'] as const;

/** A filled field's column on a stored row that is not an error (packed.ts). */
const CAUSE: Partial<Record<(typeof FILLED)[number], string>> = CAUSE_COLUMN;

/** The window around a timestamp, as the stored ISO strings compare. */
export function twinRange(timestamp: string): [string, string] {
  const t = Date.parse(timestamp);
  return [new Date(t - TWIN_WINDOW_MS).toISOString(), new Date(t + TWIN_WINDOW_MS).toISOString()];
}

/** Bound as (key, origin, from, to): an event stored from another artifact within the window. */
export const FIND_TWIN_SQL = 'SELECT id FROM error_logs WHERE dedup_key = ? AND dedup_origin <> ? AND timestamp BETWEEN ? AND ? LIMIT 1';

/** Bound as fillTwinValues(...) then the twin's id. */
export const FILL_TWIN_SQL = `UPDATE error_logs SET provider = CASE WHEN provider = 'unknown' THEN ? ELSE provider END,
  ${FILLED.map((c) => {
    const cause = CAUSE[c];
    return cause
      ? `${c} = CASE WHEN event = 'error' THEN coalesce(${c}, ?) END, ${cause} = CASE WHEN event <> 'error' THEN coalesce(${cause}, ?) END`
      : `${c} = coalesce(${c}, ?)`;
  }).join(', ')} WHERE id = ?`;

/** The values FILL_TWIN_SQL takes from the other artifact's row (as in memory: its classification in error_type and so on). */
export const fillTwinValues = (other: Pick<Row, 'provider' | (typeof FILLED)[number]>): unknown[] => [
  other.provider,
  ...FILLED.flatMap((c) => (CAUSE[c] ? [other[c], other[c]] : [other[c]])),
];

/** FILL_TWIN_SQL on a row in memory. */
export function fillTwin(twin: Row, other: Row): void {
  if (twin.provider === 'unknown') twin.provider = other.provider;
  const t = twin as unknown as Record<string, unknown>;
  for (const c of FILLED) t[c] ??= other[c];
}
