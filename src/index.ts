// The library under the CLI (as sqlite-utils' db.py is under cli.py): reading logs, classifying,
// the analyses, generating rules and dashboards, the backtest and the exporter. The commands in
// src/commands/ add only what a terminal needs (options, progress, messages, exit codes).
//
//   import { analyze, generateAlerts, loadConfig } from 'vtcode-errors';
//   const report = await analyze(['logs/'], { since: '2026-11-20T00:00:00Z' });
import { buildAnalysisReport, type AnalysisReport, type IngestCounts } from './analyses/report.js';
import { Cells, type RowFilter } from './cells.js';
import { backtest as runBacktest, type BacktestRange, type BacktestResult } from './check/backtest.js';
import { inputFromDb } from './check/events.js';
import { defaultConfig, effectiveSpec, type Config } from './config/types.js';
import { ingestPaths, type IngestOptions, type IngestResult } from './ingest/ingest.js';
import { providerId } from './ingest/providers.js';
import { parseTime } from './ingest/values.js';
import { UserError } from './model.js';
import { storedCells } from './store/cells.js';
import { MemoryStore } from './store/memory.js';
import { Store, type RowSink } from './store/store.js';

export { classify, redact, type Classification, type ClassifyInput } from './classify/index.js';
export { loadConfig, parseConfig } from './config/load.js';
export { defaultConfig, type Config } from './config/types.js';
export { generateAlerts, generateAlertTests } from './generate/rules-file.js';
export { dashboardFiles as generateDashboards } from './generate/provisioning.js';
export { Service as ExporterService, type ServeOptions } from './exporter/service.js';
export type { AnalysisReport, BacktestResult, IngestResult };

/** Reads paths into a sink: `ingestPaths` by default; the CLI passes its own (progress, Ctrl-C). */
export type Reader = (paths: string[], sink: RowSink, opts: IngestOptions) => Promise<IngestResult>;

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
    if (v === null || v === undefined) return null;
    const t = parseTime(v);
    if (t === null) throw new UserError(`${flag} ${v}: expected an ISO 8601 time`);
    return new Date(t).toISOString();
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

/** Analyses of `paths` (or of the store `db`), as `vtcode-errors analyze --format json` prints them. */
export async function analyze(paths: string[], opts: AnalyzeOptions = {}): Promise<AnalysisReport> {
  const a = await analyzeLogs(paths, opts);
  return a!.report; // (ingestPaths is not interrupted unless asked)
}

/** Read `paths` into the store `db`: only what is new since the last run. */
export async function ingest(paths: string[], db: string, opts: { strict?: boolean } = {}): Promise<IngestResult> {
  const store = Store.open(db, true);
  try {
    return await ingestPaths(paths, store, opts);
  } finally {
    store.close();
  }
}

/** Backtest the config's alerts on the rows of the store `db`: would they have fired? */
export function backtest(db: string, config: Config = defaultConfig(), range: BacktestRange = { since: null, until: null }): BacktestResult {
  const store = Store.openReadOnly(db);
  try {
    return runBacktest(inputFromDb(store.db), config, range);
  } finally {
    store.close();
  }
}
