// Running the analyses of DESIGN.md §5 over paths or a kept store: what `analyze` does, without the
// terminal (the library's analyzeLogs; the command adds progress, Ctrl-C and messages).
import { defaultConfig, effectiveSpec, type Config } from '../config/types.js';
import { Cells, type RowFilter } from '../cells.js';
import { ingestPaths, type IngestResult, type Reader } from '../ingest/ingest.js';
import { providerId } from '../ingest/providers.js';
import { optionTime } from '../ingest/values.js';
import { storedCells } from '../store/cells.js';
import { MemoryStore } from '../store/memory.js';
import { Store } from '../store/store.js';
import { buildAnalysisReport, type AnalysisReport, type IngestCounts } from './report.js';

export interface AnalyzeOptions {
  /** Keep the rows in this SQLite store (a re-run reads only what is new); none: nothing is kept. */
  db?: string;
  /** ISO 8601; `since` inclusive, `until` exclusive. */
  since?: string | null;
  until?: string | null;
  providers?: string[];
  /** Rows of rate_limit_spikes (default 20). */
  top?: number;
  /** spike_min and the recovery threshold (default: the built-in config). */
  config?: Config;
  strict?: boolean;
}

export interface Analysis {
  report: AnalysisReport;
  /** What reading the paths did (null when `db` was analysed as it is). */
  ingest: IngestResult | null;
  /** With a provider filter: every provider the rows hold (to tell a mistyped id); else []. */
  providersPresent: string[];
}

/** The row filter of analyze-like options (times to the stored form, providers to their ids). */
export function rowFilter(opts: Pick<AnalyzeOptions, 'since' | 'until' | 'providers'>): RowFilter {
  const iso = (flag: string, v: string | null | undefined) => {
    const t = optionTime(flag, v);
    return t === null ? null : new Date(t).toISOString();
  };
  return { since: iso('since', opts.since), until: iso('until', opts.until), providers: (opts.providers ?? []).map(providerId) };
}

/**
 * The pattern analyses of `paths` (DESIGN.md §5); with `db` and no paths, of the store as it is.
 * Null when the reader was interrupted.
 */
export async function analyzeLogs(paths: string[], opts: AnalyzeOptions = {}, read: Reader = ingestPaths): Promise<Analysis | null> {
  const filter = rowFilter(opts);
  const config = opts.config ?? defaultConfig();
  const judged = {
    top: opts.top ?? 20,
    spikeMin: config.analyze.spike_min,
    recoveryThreshold: (provider: string) => effectiveSpec(config, 'low_recovery_rate', provider).threshold,
  };
  const named = filter.providers.length > 0;
  if (opts.db === undefined) {
    // One-shot: rows go straight into the analyses, nothing is stored.
    const memory = new MemoryStore(new Cells(filter), filter);
    const ingest = await read(paths, memory, { strict: opts.strict });
    if (ingest.interrupted) return null;
    const cells = memory.finish();
    const providersPresent = named ? [...new Set([...ingest.read.providers, ...cells.seen])] : [];
    return { report: buildAnalysisReport(cells.values(), ingest, judged), ingest, providersPresent };
  }
  const store = Store.open(opts.db, true);
  try {
    const run = store.trackCells(filter);
    let counts: IngestCounts;
    let ingest: IngestResult | null = null;
    if (paths.length === 0) counts = store.storedCounts();
    else {
      ingest = await read(paths, store, { strict: opts.strict });
      if (ingest.interrupted) return null;
      counts = ingest;
    }
    // (Over a kept store this reads every row's provider: asked only when a filter names providers.)
    const providersPresent = named ? (store.db.prepare('SELECT DISTINCT provider FROM error_logs').pluck().all() as string[]) : [];
    return { report: buildAnalysisReport(storedCells(store.db, filter, run), counts, judged), ingest, providersPresent };
  } finally {
    store.close();
  }
}

