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
import type { IngestResult } from './ingest/ingest.js';
import { Store } from './store/store.js';

export { classify, redact, type Classification, type ClassifyInput } from './classify/index.js';
export { loadConfig, parseConfig } from './config/load.js';
export { defaultConfig, type Config } from './config/types.js';
export { generateAlerts, generateAlertTests, type GeneratedAlerts, type RulesFormat } from './generate/rules-file.js';
export { generateAlertFiles, type AlertFiles, type AlertFilesOptions } from './generate/alert-files.js';
export { dashboardFiles as generateDashboards, type DashboardOutput, type OutputFile } from './generate/provisioning.js';
export { lintConfig as lint, type Finding } from './generate/lint.js';
export { checkLogs as check, type Check, type CheckOptions } from './check/run.js';
export type { CheckReport, FailOn } from './check/report.js';
export { exportHistory, type ExportOptions, type History } from './exporter/history.js';
export { Service as ExporterService, type ServeOptions } from './exporter/service.js';
export { analyzeLogs, rowFilter, type Analysis, type AnalyzeOptions } from './analyses/run.js';
export { ingestInto as ingest, type StoreIngest } from './ingest/run.js';
export { query, type QueryResult } from './store/query.js';
export type { Reader } from './ingest/ingest.js';
export { UserError } from './model.js';
export type { AnalysisReport, BacktestResult, IngestResult };

/** Analyses of `paths` (or of the store `db`), as `vtcode-errors analyze --format json` prints them. */
export async function analyze(paths: string[], opts: AnalyzeOptions = {}): Promise<AnalysisReport> {
  const a = await analyzeLogs(paths, opts);
  return a!.report; // (ingestPaths is not interrupted unless asked)
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
