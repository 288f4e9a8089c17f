// The counters `serve` exposes: every series of src/alerts/series.ts that logs give, with its total kept
// in the state file (written in the same transaction as the rows and file offsets that made it), so a
// restart, even after kill -9, continues each counter exactly where it stood.
//
// Two rules make Prometheus' increase() see what happened and nothing else:
// - History is not a burst. On a first start the existing files are read before any of these series is
//   shown, so each appears at its historical total (increase() never counts a series' first sample).
// - The first event of a new series counts. A series not shown before is shown at 0, and its counts are
//   held until a scrape has seen it at 0 and a scrape interval has passed (two scrapers at that interval
//   both see the 0); then they are added. The configured providers' series start at 0 the same way.
import type Database from 'better-sqlite3';
import { FROM_LOGS } from '../alerts/series.js';
import { parseDurationSeconds } from '../config/duration.js';
import type { Config } from '../config/types.js';
import { ERROR_TYPES, type Row } from '../model.js';
import type { MirroredCounter, Registries } from './registries.js';
import { ProviderSlots, seriesKey, seriesOfRow, type SeriesPoint } from './series-of.js';

interface Hold {
  point: SeriesPoint;
  since: number; // when it was first shown at 0
  seen: boolean; // a scrape has served it at 0
  count: number; // held counts
}

export class LiveCounters {
  readonly slots: ProviderSlots;
  /** Shown to scrapers: false on a first start until the backlog has been read. */
  visible = false;
  private readonly counters = new Map<string, MirroredCounter>();
  private readonly shown = new Set<string>(); // series keys with a value in their counter
  private readonly holds = new Map<string, Hold>();
  private readonly history = new Map<string, { point: SeriesPoint; value: number }>();
  private pending: Map<string, { point: SeriesPoint; count: number }> | null = null;
  private readonly upsert: Database.Statement;
  private readonly holdMs: number;

  constructor(
    private readonly db: Database.Database,
    private readonly config: Config,
    registries: Registries,
    onOverflow: (provider: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.holdMs = parseDurationSeconds(config.scrape_interval) * 1000;
    for (const def of FROM_LOGS) {
      const name = `${config.metrics.prefix}_${def.suffix}`;
      this.counters.set(def.suffix, registries.counter(name, def.help, def.labels, false));
    }
    const rows = db.prepare('SELECT metric, labels, value FROM series_totals ORDER BY rowid').all() as Array<{ metric: string; labels: string; value: number }>;
    const providers: string[] = [...config.providers];
    for (const r of rows) {
      if (!this.counters.has(r.metric)) continue;
      const labels = JSON.parse(r.labels) as Record<string, string>;
      if (labels.provider !== undefined) providers.push(labels.provider);
      const key = seriesKey(r.metric, labels);
      this.history.set(key, { point: { metric: r.metric, labels, key }, value: r.value });
    }
    this.slots = new ProviderSlots(config.serve.max_providers, providers, onOverflow);
    this.upsert = db.prepare('INSERT INTO series_totals (metric, labels, value) VALUES (?, ?, ?) ON CONFLICT (metric, labels) DO UPDATE SET value = value + excluded.value');
  }

  /** Whether an earlier run counted anything (so Prometheus has seen these series before). */
  get hasHistory(): boolean {
    return this.history.size > 0;
  }

  /**
   * Show the series: the totals of earlier runs and of the backlog as they stand, and the configured
   * providers' series at 0 (held like any new series).
   */
  show(): void {
    if (this.visible) return;
    for (const { point, value } of this.history.values()) this.addShown(point, value);
    this.history.clear();
    for (const c of this.counters.values()) c.show();
    this.visible = true;
    for (const provider of this.config.providers) {
      const p = this.slots.slot(provider);
      for (const def of FROM_LOGS) {
        if (def.labels.includes('fallback')) continue; // a route, not a provider: it starts with its first fallback
        for (const errorType of def.labels.includes('error_type') ? ERROR_TYPES : [null]) {
          const labels: Record<string, string> = errorType === null ? { provider: p } : { provider: p, error_type: errorType };
          this.count({ metric: def.suffix, labels, key: seriesKey(def.suffix, labels) }, 0);
        }
      }
    }
  }

  /** Inside the store's commit transaction: add the stored rows to the persisted totals. */
  persist(rows: Row[]): void {
    const deltas = (this.pending ??= new Map());
    for (const row of rows) {
      for (const point of seriesOfRow(row, this.slots)) {
        const d = deltas.get(point.key);
        if (d) d.count++;
        else deltas.set(point.key, { point, count: 1 });
      }
    }
    for (const { point, count } of deltas.values()) this.upsert.run(point.metric, JSON.stringify(point.labels), count);
  }

  /** After the commit: what it persisted is counted. After a failed commit: forgotten. */
  settle(committed: boolean): void {
    const deltas = this.pending;
    this.pending = null;
    if (!committed || !deltas) return;
    for (const { point, count } of deltas.values()) this.count(point, count);
  }

  private count(point: SeriesPoint, n: number): void {
    if (!this.visible) {
      // First start, backlog: the totals are shown as they stand once it has been read.
      const h = this.history.get(point.key);
      if (h) h.value += n;
      else this.history.set(point.key, { point, value: n });
      return;
    }
    if (this.shown.has(point.key)) {
      const hold = this.holds.get(point.key);
      if (hold) hold.count += n;
      else if (n > 0) this.counters.get(point.metric)!.inc(point.labels, n);
      return;
    }
    this.addShown(point, 0);
    this.holds.set(point.key, { point, since: this.now(), seen: false, count: n });
  }

  private addShown(point: SeriesPoint, value: number): void {
    this.counters.get(point.metric)!.inc(point.labels, value);
    this.shown.add(point.key);
  }

  /** Before a scrape: release the holds that have been seen at 0 long enough; returns the ones still held. */
  beforeScrape(): string[] {
    const t = this.now();
    for (const [key, h] of this.holds) {
      if (h.seen && t - h.since >= this.holdMs) {
        if (h.count > 0) this.counters.get(h.point.metric)!.inc(h.point.labels, h.count);
        this.holds.delete(key);
      }
    }
    return [...this.holds.keys()];
  }

  /** After a scrape that served the series `keys` (from beforeScrape) at 0. */
  afterScrape(keys: string[]): void {
    for (const k of keys) {
      const h = this.holds.get(k);
      if (h) h.seen = true;
    }
  }

  /** The number of series shown. */
  get seriesCount(): number {
    return this.shown.size;
  }
}
