// `export`: the series `serve` would have served, as history: one sample per step for every series,
// in the OpenMetrics text format that `promtool tsdb create-blocks-from openmetrics` reads, so that a new
// Prometheus (and the dashboards) show the past from day one.
//
// A series' value at sample time t counts its events with since <= timestamp <= t (and < until). Every
// series starts with a sample at 0 before the first event in range, so increase() sees every event.
import { FROM_LOGS } from '../alerts/series.js';
import { defaultConfig, type Config } from '../config/types.js';
import { ingestPaths, type IngestResult, type Reader } from '../ingest/ingest.js';
import { optionTime } from '../ingest/values.js';
import type { Row } from '../model.js';
import { MemoryStore, type RowCounter } from '../store/memory.js';
import { ProviderSlots, type SeriesPoint, seriesOfRow } from './series-of.js';

export interface ExportOptions {
  /** The metrics' prefix, provider slots and aliases (default: the built-in config). */
  config?: Config;
  /** Time between samples, in ms (the scrape interval; default 15 s). */
  stepMs?: number;
  /** ISO 8601; `since` inclusive, `until` exclusive. */
  since?: string | null;
  until?: string | null;
  strict?: boolean;
}

export interface History {
  /** What reading the paths did. */
  ingest: IngestResult;
  /** How many series have an event in range (none: the text holds no sample). */
  series: number;
  /** The OpenMetrics text, in pieces, ending with `# EOF` (read once). */
  text: Iterable<string>;
}

/**
 * The series `serve` would have served over `paths`, one sample per step, as OpenMetrics text for
 * `promtool tsdb create-blocks-from openmetrics`. Nothing is stored. Null when the reader was interrupted.
 */
export async function exportHistory(paths: string[], opts: ExportOptions = {}, read: Reader = ingestPaths): Promise<History | null> {
  const config = opts.config ?? defaultConfig();
  const stepMs = opts.stepMs ?? 15_000;
  const range = { since: optionTime('since', opts.since), until: optionTime('until', opts.until) };
  const history = new HistoryCounter(new ProviderSlots(config.serve.max_providers, config.providers), stepMs, range);
  const memory = new MemoryStore(history);
  const ingest = await read(paths, memory, { strict: opts.strict });
  if (ingest.interrupted) return null;
  memory.finish();
  return { ingest, series: history.series.size, text: openMetricsText(history, config.metrics.prefix, stepMs) };
}

export interface HistoryRange {
  since: number | null; // inclusive, epoch ms
  until: number | null; // exclusive, epoch ms
}

/** Counts rows into per-series buckets of one step (the first sample time at or after the event). */
export class HistoryCounter implements RowCounter {
  readonly series = new Map<string, { point: SeriesPoint; buckets: Map<number, number> }>();
  first = Infinity;
  last = -Infinity;

  constructor(
    private readonly slots: ProviderSlots,
    private readonly stepMs: number,
    private readonly range: HistoryRange,
  ) {}

  add(row: Row): void {
    const t = Date.parse(row.timestamp);
    if ((this.range.since !== null && t < this.range.since) || (this.range.until !== null && t >= this.range.until)) return;
    const bucket = Math.ceil(t / this.stepMs);
    let counted = false;
    for (const point of seriesOfRow(row, this.slots)) {
      let s = this.series.get(point.key);
      if (!s) this.series.set(point.key, (s = { point, buckets: new Map() }));
      s.buckets.set(bucket, (s.buckets.get(bucket) ?? 0) + 1);
      counted = true;
    }
    if (counted) {
      if (t < this.first) this.first = t;
      if (t > this.last) this.last = t;
    }
  }

  /** The sample times: from the step before the range's start to the step at or after its end. */
  sampleSpan(): { start: number; end: number } | null {
    if (this.series.size === 0) return null;
    const from = this.range.since ?? this.first;
    const to = this.range.until !== null ? this.range.until - 1 : this.last;
    return { start: Math.floor((from - 1) / this.stepMs), end: Math.ceil(to / this.stepMs) };
  }
}

/** HELP text in the exposition formats: backslash and newline escaped. */
export const helpText = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
/** A label value in the exposition formats: backslash, newline and double quote escaped. */
export const labelValue = (v: string): string => helpText(v).replace(/"/g, '\\"');

/** The OpenMetrics text, in pieces of many lines, ending with `# EOF`. */
export function* openMetricsText(history: HistoryCounter, prefix: string, stepMs: number): Generator<string> {
  const span = history.sampleSpan();
  const out: string[] = [];
  if (span) {
    for (const def of FROM_LOGS) {
      const all = [...history.series.values()].filter((s) => s.point.metric === def.suffix);
      if (all.length === 0) continue;
      const name = `${prefix}_${def.suffix}`;
      const family = name.replace(/_total$/, '');
      out.push(`# TYPE ${family} counter`, `# HELP ${family} ${helpText(def.help)}`);
      all.sort((a, b) => (a.point.key < b.point.key ? -1 : a.point.key > b.point.key ? 1 : 0));
      for (const s of all) {
        const labels = Object.entries(s.point.labels).map(([k, v]) => `${k}="${labelValue(v)}"`).join(',');
        const head = `${name}{${labels}} `;
        let value = 0;
        for (let k = span.start; k <= span.end; k++) {
          value += s.buckets.get(k) ?? 0;
          out.push(`${head}${value} ${(k * stepMs) / 1000}`);
          if (out.length >= 8192) yield `${out.splice(0).join('\n')}\n`;
        }
      }
    }
  }
  out.push('# EOF');
  yield `${out.join('\n')}\n`;
}
