// `vtcode-errors analyze <paths...>`: ingest, then print the pattern analyses (the library's analyzeLogs).
import { Command, Option } from 'commander';
import type { AnalysisReport } from '../analyses/report.js';
import { loadConfig } from '../config/load.js';
import { analyzeLogs } from '../analyses/run.js';
import { providerId } from '../ingest/providers.js';
import { UserError } from '../model.js';
import { analysisSections } from '../render/analysis.js';
import { jsonPieces, renderSections } from '../render/index.js';
import { addConfigOption, addDbOption, addOutputOptions, addProviderOption, addStrictOption, addTimeOptions, isoRange, timeRange, useColor, withExample, type CommonOptions, type StoreOptions, type TimeOptions } from './common.js';
import { nothingRead, runIngest } from './ingest-run.js';
import { addInputOptions, pathsOrStore, type InputOptions } from './inputs.js';

interface AnalyzeOptions extends CommonOptions, InputOptions, TimeOptions, StoreOptions {
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
  addFilterOptions(cmd);
  addDbOption(cmd);
  addStrictOption(cmd).action(async (given: string[], opts: AnalyzeOptions) => {
    const range = timeRange(opts);
    // With --db and no paths: the store as it is.
    const paths = await pathsOrStore('analyze', given, opts);
    const a = await analyzeLogs(
      paths,
      {
        db: opts.db, ...isoRange(range),
        providers: opts.provider, top: opts.top, config: loadConfig(opts.config), strict: opts.strict,
      },
      (p, sink) => runIngest(p, sink, opts),
    );
    if (!a) return; // interrupted: runIngest said what was read
    if (!opts.quiet && a.ingest) process.stderr.write(nothingRead(a.ingest) ?? '');
    if (!opts.quiet) warnUnknownProviders(opts.provider.map(providerId), a.providersPresent);
    writeReport(a.report, opts);
  });
  withExample(cmd, 'vtcode-errors analyze logs/ --since 24h --provider gemini', 'vtcode-errors analyze --vtcode', 'vtcode-errors analyze app.jsonl.gz --format json > report.json');
}

export function addFilterOptions(cmd: Command): Command {
  return addProviderOption(cmd).addOption(new Option('--top <n>', 'rows of rate_limit_spikes').argParser(positiveInt).default(20));
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--top ${value}: expected a whole number >= 1`);
  return n;
}

/** A --provider that names no row: said, with the providers present (a mistyped id reads as "no errors"). */
function warnUnknownProviders(named: string[], present: string[]): void {
  if (named.length === 0) return;
  const have = new Set(present);
  const missing = named.filter((p) => !have.has(p));
  if (missing.length === 0) return;
  const names = missing.map((p) => `'${p}'`).join(', ');
  process.stderr.write(`vtcode-errors: no row has provider ${names}; the providers present: ${[...have].sort().join(', ') || 'none'}\n`);
}


// (stdout writes are synchronous on Linux, for files, pipes and terminals: pieces do not pile up.)
function writeReport(report: AnalysisReport, opts: AnalyzeOptions): void {
  if (opts.format !== 'json') process.stdout.write(renderSections(opts.format, analysisSections(report, opts.format !== 'csv'), useColor(opts)));
  else for (const piece of jsonPieces(report)) process.stdout.write(piece);
}
