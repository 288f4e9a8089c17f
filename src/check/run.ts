// Checking logs as `check` does, without the terminal (the library's check): read the paths into a
// store, backtest the config's alerts on it, compare generated files with what the config generates.
// The command adds the options, progress, Ctrl-C, the output formats and the exit code.
import { defaultConfig, type Config } from '../config/types.js';
import { ingestPaths, type IngestResult, type Reader } from '../ingest/ingest.js';
import { providerId } from '../ingest/providers.js';
import { optionTime } from '../ingest/values.js';
import { Store } from '../store/store.js';
import { backtest } from './backtest.js';
import { checkDashboards, checkRules, type DriftEntry, type Given } from './drift.js';
import { eventsIn, inputFromDb } from './events.js';
import { buildCheckReport, type CheckReport, type FailOn } from './report.js';

export interface CheckOptions {
  /** Keep the rows in this SQLite store; with no paths, check the store as it is. None: nothing is kept. */
  db?: string;
  /** ISO 8601; `since` inclusive, `until` exclusive. */
  since?: string | null;
  until?: string | null;
  providers?: string[];
  /** The alerts and their thresholds (default: the built-in config). */
  config?: Config;
  /** A rule file written by gen-alerts: is it what `config` generates? */
  rules?: string;
  /** A directory written by gen-dashboard: is it what `config` generates? */
  dashboards?: string;
  /** The alert and dashboard templates the files were generated with (default: the bundled ones). */
  templatesDir?: string;
  /** options.path of provisioning.yaml (default: the path the file on disk names, else the directory's). */
  provisioningPath?: string;
  /** The options as the user gave them, repeated in the command that regenerates a drifted file. */
  given?: Given;
  /** No event in the range is a pass, not a failure (default false). */
  allowEmpty?: boolean;
  /** The least severity of a firing alert that fails the check (default warning). */
  failOn?: FailOn;
  strict?: boolean;
}

export interface Check {
  report: CheckReport;
  /** What reading the paths did (null when `db` was checked as it is). */
  ingest: IngestResult | null;
  /** Events in the range: none is a failure unless `allowEmpty`. */
  events: number;
}

/** Where the run is after the ingest (a progress line takes it). */
export interface StageProgress {
  note(text: string): void;
  /** The stage is over: the next note may show at once. */
  done(): void;
}

/** Check `paths` (with `db` and no paths, the store as it is). Null when the reader was interrupted. */
export async function checkLogs(paths: string[], opts: CheckOptions = {}, read: Reader = ingestPaths, progress?: StageProgress): Promise<Check | null> {
  const config = opts.config ?? defaultConfig();
  const range = { since: optionTime('since', opts.since), until: optionTime('until', opts.until), providers: (opts.providers ?? []).map(providerId) };
  const storeOnly = paths.length === 0 && opts.db !== undefined;
  const store = Store.open(opts.db ?? null, true);
  try {
    let ingest: IngestResult | null = null;
    if (!storeOnly) {
      ingest = await read(paths, store, { strict: opts.strict });
      if (ingest.interrupted) return null;
    }
    progress?.note('backtest: reading the events');
    const input = inputFromDb(store.db);
    progress?.done(); // (so that the next stage shows at once)
    const result = backtest(input, config, range, (n, of) => progress?.note(`backtest: alert ${n} of ${of}`));
    progress?.done();
    const events = eventsIn(store.db, range.since, range.until, range.providers);
    const drift: DriftEntry[] = [];
    const files = { templatesDir: opts.templatesDir, given: opts.given };
    if (opts.rules) drift.push(checkRules(config, opts.rules, files));
    if (opts.dashboards) drift.push(...checkDashboards(config, opts.dashboards, { ...files, provisioningPath: opts.provisioningPath }));
    const counts = ingest && { files: ingest.files, records: ingest.records, ignored: ingest.ignored, skipped: ingest.skipped };
    return { report: buildCheckReport(result, drift, config, counts, events, opts.allowEmpty === true, opts.failOn), ingest, events };
  } finally {
    store.close();
  }
}
