// `vtcode-errors analyze <paths...>`: ingest, then print the pattern analyses.
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { Cells, storedCells, type RowFilter } from '../analyses/cells.js';
import { ANALYSES, buildReport, SPIKE_FACTOR, type IngestCounts, type Report, type ReportOptions } from '../analyses/report.js';
import { loadConfig } from '../config/load.js';
import { effectiveSpec } from '../config/types.js';
import { providerId } from '../ingest/providers.js';
import { isoTime } from '../ingest/values.js';
import { UserError } from '../model.js';
import { jsonPieces, renderSections, type Section } from '../render/index.js';
import { MemoryStore } from '../store/memory.js';
import { Store } from '../store/store.js';
import { addConfigOption, addOutputOptions, addTimeOptions, timeRange, useColor, withExample, type CommonOptions } from './common.js';
import { nothingRead, runIngest } from './ingest-run.js';
import { addInputOptions, inputPaths, type InputOptions } from './inputs.js';

interface AnalyzeOptions extends CommonOptions, InputOptions {
  db?: string;
  since?: string;
  until?: string;
  now?: string;
  provider: string[];
  top: number;
}

export function registerAnalyze(program: Command): void {
  const cmd = program
    .command('analyze')
    .description('ingest logs (into --db, or a temporary database) and print the pattern analyses')
    .argument('[paths...]', 'files, directories, glob patterns, or - for stdin');
  addOutputOptions(cmd);
  addConfigOption(cmd);
  addTimeOptions(cmd);
  addInputOptions(cmd);
  addFilterOptions(cmd)
    .option('--db <file>', 'keep the store in this SQLite file (incremental: a re-run reads only what is new)')
    .option('--strict', 'exit 2 at the first malformed record')
    .action(async (given: string[], opts: AnalyzeOptions) => {
      const filter = rowFilter(opts);
      const judged = reportOptions(opts);
      // With --db and no paths: the store as it is, as `check --db` does.
      const storeOnly = given.length === 0 && !opts.vtcode && opts.db !== undefined;
      if (storeOnly && !existsSync(opts.db!)) throw new UserError(`analyze: no paths given and --db ${opts.db} does not exist`);
      const paths = storeOnly ? [] : await inputPaths('analyze', given, opts);
      if (!opts.db) {
        // One-shot: rows go straight into the analyses, nothing is stored.
        const memory = new MemoryStore(new Cells(filter), filter);
        const ingest = await runIngest(paths, memory, opts);
        if (!opts.quiet) process.stderr.write(nothingRead(ingest) ?? '');
        if (ingest.interrupted) return;
        const cells = memory.finish();
        if (!opts.quiet) warnUnknownProviders(filter, () => [...ingest.read.providers, ...cells.seen]);
        writeReport(buildReport(cells.values(), ingest, judged), opts);
        return;
      }
      const store = Store.open(opts.db, true);
      try {
        const run = store.trackCells(filter);
        let counts: IngestCounts;
        if (storeOnly) counts = store.storedCounts();
        else {
          const ingest = await runIngest(paths, store, opts);
          if (ingest.interrupted) return;
          if (!opts.quiet) process.stderr.write(nothingRead(ingest) ?? '');
          counts = ingest;
        }
        if (!opts.quiet) warnUnknownProviders(filter, () => store.db.prepare('SELECT DISTINCT provider FROM error_logs').pluck().all() as string[]);
        writeReport(buildReport(storedCells(store.db, filter, run), counts, judged), opts);
      } finally {
        store.close();
      }
    });
  withExample(cmd, 'vtcode-errors analyze logs/ --since 24h --provider gemini', 'vtcode-errors analyze --vtcode', 'vtcode-errors analyze app.jsonl.gz --format json > report.json');
}

/** The config's measures of a finding (spike_min, the low_recovery_rate threshold per provider). */
function reportOptions(opts: AnalyzeOptions): ReportOptions {
  const config = loadConfig(opts.config);
  return {
    top: opts.top,
    spikeMin: config.analyze.spike_min,
    recoveryThreshold: (provider) => effectiveSpec(config, 'low_recovery_rate', provider).threshold,
  };
}

export function addFilterOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--provider <id>', 'only this provider (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--top <n>', 'rows of rate_limit_spikes').argParser(positiveInt).default(20));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--top ${value}: expected a whole number >= 1`);
  return n;
}

/** A --provider that names no row: said, with the providers present (a mistyped id reads as "no errors"). */
// (`present` is asked only with a --provider: over a kept store it reads every row's provider.)
function warnUnknownProviders(filter: RowFilter, present: () => Iterable<string>): void {
  if (filter.providers.length === 0) return;
  const have = new Set(present());
  const missing = filter.providers.filter((p) => !have.has(p));
  if (missing.length === 0) return;
  const names = missing.map((p) => `'${p}'`).join(', ');
  process.stderr.write(`vtcode-errors: no row has provider ${names}; the providers present: ${[...have].sort().join(', ') || 'none'}\n`);
}

export function rowFilter(opts: { since?: string; until?: string; now?: string; provider: string[] }): RowFilter {
  const range = timeRange(opts);
  return {
    since: range.since === null ? null : isoTime(range.since),
    until: range.until === null ? null : isoTime(range.until),
    providers: opts.provider.map(providerId),
  };
}

// (stdout writes are synchronous on Linux, for files, pipes and terminals: pieces do not pile up.)
function writeReport(report: Report, opts: AnalyzeOptions): void {
  if (opts.format !== 'json') process.stdout.write(renderSections(opts.format, reportSections(report, opts.format !== 'csv'), useColor(opts)));
  else for (const piece of jsonPieces(report)) process.stdout.write(piece);
}

const TITLES: Record<(typeof ANALYSES)[number], string> = {
  rate_limit_spikes: 'Rate-limit spikes (per provider per UTC hour)',
  auth_failures: 'Authentication failures',
  network_errors: 'Network errors',
  recovery: 'Recovery after retries',
};

const COLUMNS: Record<(typeof ANALYSES)[number], string[]> = {
  rate_limit_spikes: ['provider', 'hour', 'count', 'throttled', 'quota', 'spike'],
  auth_failures: ['provider', 'message', 'count'],
  network_errors: ['provider', 'avg_retries', 'total'],
  recovery: ['provider', 'recovered', 'failed', 'success_rate'],
};

/** The report as sections; `withSummary` false gives only the analyses' rows (CSV). */
export function reportSections(report: Report, withSummary: boolean): Section[] {
  const s = report.summary;
  const analyses: Section[] = ANALYSES.map((key) => ({
    key,
    title: TITLES[key],
    columns: COLUMNS[key],
    rows: report[key],
    notes: report.actions[key],
    empty: 'no findings',
  }));
  // A spike flag reads as a word, with the rule that set it.
  const rule = report.spike_rule;
  analyses[0].rows = report.rate_limit_spikes.map((r) => ({ ...r, spike: r.spike ? 'yes' : '' }));
  if (report.rate_limit_spikes.length > 0) {
    analyses[0].notes = [`spike: at least ${rule.min_events} in the hour and ${rule.factor}× the provider's median hour (analyze.spike_min)`, ...(analyses[0].notes ?? [])];
  }
  if (!withSummary) return analyses;
  const summary: Section = {
    key: 'summary',
    title: 'Summary',
    columns: ['files', 'records', 'errors', 'ignored', 'skipped', 'from', 'to'],
    rows: [{ files: s.files, records: s.records, errors: s.errors, ignored: s.ignored, skipped: s.skipped, from: s.from, to: s.to }],
  };
  const byProvider: Section = { key: 'by_provider', title: 'Errors by provider', columns: ['provider', 'errors'], rows: s.by_provider, empty: 'no errors' };
  const byType: Section = { key: 'by_type', title: 'Errors by type', columns: ['error_type', 'errors'], rows: s.by_type, empty: 'no errors' };
  const sections = [summary, byProvider, byType, ...analyses];
  if (report.skipped_samples.length) {
    sections.push({ key: 'skipped_samples', title: 'Skipped records (first 20)', columns: ['file', 'line', 'reason'], rows: report.skipped_samples });
  }
  return sections;
}
