// Rows -> the series they count into (src/alerts/series.ts), with the number of providers bounded:
// shared by `serve` (live counters) and `export` (history), so both emit the same series for a row.
import { FROM_LOGS, type SeriesRow } from '../alerts/series.js';

/** One series a row counts into: the metric (suffix after `<prefix>_`), its labels, and a key for both. */
export interface SeriesPoint {
  metric: string;
  labels: Record<string, string>;
  key: string;
}

/** The label that stands for every provider past the limit. */
export const OTHER_PROVIDER = 'other';

/**
 * Which providers get series of their own: the configured ones and those already counted, then new ones
 * in the order they are seen, up to `max`; any further provider is counted as `other`.
 */
export class ProviderSlots {
  private readonly admitted: Set<string>;
  /** Rows counted as `other` because their provider found no slot. */
  overflowRows = 0;

  constructor(
    private readonly max: number,
    known: Iterable<string>,
    private readonly onOverflow: (provider: string) => void = () => {},
  ) {
    this.admitted = new Set();
    for (const p of known) if (p !== OTHER_PROVIDER && this.admitted.size < max) this.admitted.add(p);
  }

  slot(provider: string): string {
    if (this.admitted.has(provider)) return provider;
    if (this.admitted.size < this.max) {
      this.admitted.add(provider);
      return provider;
    }
    this.onOverflow(provider);
    return OTHER_PROVIDER;
  }

  get providers(): string[] {
    return [...this.admitted];
  }
}

/** A series' key: its metric and its label values in the definition's order. */
export const seriesKey = (metric: string, labels: Record<string, string>): string => `${metric}${JSON.stringify(labels)}`;

/** Every series `row` counts one into. */
export function seriesOfRow(row: SeriesRow, slots: ProviderSlots): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  let overflowed = false;
  for (const def of FROM_LOGS) {
    const rows = def.rows!;
    if (!rows.match(row)) continue;
    const labels: Record<string, string> = {};
    for (const name of def.labels) {
      let v = rows.labels[name](row);
      if (v === null) continue;
      if (name === 'provider' || name === 'fallback') {
        const s = slots.slot(v);
        if (s !== v && name === 'provider') overflowed = true;
        v = s;
      }
      labels[name] = v;
    }
    out.push({ metric: def.suffix, labels, key: seriesKey(def.suffix, labels) });
  }
  if (overflowed) slots.overflowRows++;
  return out;
}
