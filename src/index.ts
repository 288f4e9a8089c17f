// The library under the CLI (as sqlite-utils' db.py is under cli.py): reading logs, classifying,
// the analyses, generating rules and dashboards, the backtest and the exporter. The commands in
// src/commands/ add only what a terminal needs (options, progress, messages, exit codes).
//
//   import { analyze, generateAlerts, loadConfig } from 'vtcode-errors';
//   const report = await analyze(['logs/'], { since: '2026-11-20T00:00:00Z' });
import type { AnalysisReport } from './analyses/report.js';
import { analyzeLogs, type AnalyzeOptions } from './analyses/run.js';
import { backtest as runBacktest, type BacktestRange, type BacktestResult } from './check/backtest.js';
import { inputFromDb } from './check/events.js';
import { defaultConfig, type Config } from './config/types.js';
import { ingestPaths, type IngestResult } from './ingest/ingest.js';
import { Store } from './store/store.js';

export { classify, redact, type Classification, type ClassifyInput } from './classify/index.js';
export { loadConfig, parseConfig } from './config/load.js';
export { defaultConfig, type Config } from './config/types.js';
export { generateAlerts, generateAlertTests } from './generate/rules-file.js';
export { dashboardFiles as generateDashboards } from './generate/provisioning.js';
export { Service as ExporterService, type ServeOptions } from './exporter/service.js';
export { analyzeLogs, rowFilter, type Analysis, type AnalyzeOptions, type Reader } from './analyses/run.js';
export type { AnalysisReport, BacktestResult, IngestResult };

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
