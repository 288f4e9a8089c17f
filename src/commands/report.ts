// `vtcode-errors report`: the guide's maintenance checklist as a report (issue 15). Reads the logs as
// `analyze` and `check` do, counting the rows of the period and the one before it into one tally (from
// the parser with no store, else from the store with --db), and renders the sections for one period as
// markdown, a self-contained HTML page, or json.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { parseDocument } from 'yaml';
import { loadConfig, parseConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { jsonPieces } from '../render/index.js';
import { buildPeriodReport, type PeriodReport } from '../report/build.js';
import { renderHtml } from '../report/html.js';
import { renderMarkdown } from '../report/markdown.js';
import { periodEnding, PERIODS, type PeriodName } from '../report/period.js';
import { ReportTally, tallyStore } from '../report/tally.js';
import { MemoryStore } from '../store/memory.js';
import { Store } from '../store/store.js';
import { addConfigOption, addDbOption, addStrictOption, timeRange, withExample, writeOut, type StoreOptions } from './common.js';
import { CONFIG_TEMPLATE } from './init.js';
import { nothingRead, runIngest } from './ingest-run.js';
import { garbageCollector } from '../ingest/gc.js';
import { addInputOptions, pathsOrStore, type InputOptions } from './inputs.js';

const FORMATS = ['markdown', 'html', 'json'] as const;

interface ReportOptions extends InputOptions, Omit<StoreOptions, 'provider'> {
  config?: string;
  period: PeriodName;
  until?: string;
  now?: string;
  format: (typeof FORMATS)[number];
  out?: string;
  writeConfig?: string;
  quiet?: boolean;
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description("the maintenance checklist (daily, weekly, monthly) as a report: trends, rate-limit usage, alert health, thresholds, patterns, retries, reliability")
    .argument('[paths...]', 'files, directories, glob patterns, or - for stdin (none with --db: report on the store as it is)');
  addConfigOption(cmd);
  addInputOptions(cmd);
  cmd
    .addOption(new Option('--period <period>', 'the period reported on, compared with the one before it').choices([...PERIODS]).default('week'))
    .option('--until <time>', 'end of the period (ISO 8601, or a duration such as 24h back from now; default now)')
    .option('--now <iso>', 'what "now" is for durations (default: the clock)')
    .addOption(new Option('--format <format>', 'output format').choices([...FORMATS]).default('markdown'))
    .option('--out <file>', 'write the report to this file (default stdout)')
    .option('--write-config <file>', 'write the config with the suggested thresholds, for review (never applied by itself)')
    .option('-q, --quiet', 'no notes on stderr');
  addDbOption(cmd, 'keep the store in this SQLite file (incremental); with no paths, report on the store as it is');
  addStrictOption(cmd)
    .action(async (given: string[], opts: ReportOptions) => {
      const config = loadConfig(opts.config);
      const range = timeRange({ until: opts.until, now: opts.now });
      const period = periodEnding(opts.period, range.until ?? range.now);
      const paths = await pathsOrStore('report', given, opts);
      const storeOnly = paths.length === 0 && opts.db !== undefined;
      const report = await tallied(paths, storeOnly, opts, new ReportTally(period, config), config);
      if (report === null) return; // interrupted
      if (opts.format === 'json' && !opts.out) {
        // In pieces (stdout writes are synchronous on Linux), collecting as it goes: the text of a large
        // report, as one string or as garbage left to pile up, would be the run's peak memory.
        const collect = garbageCollector();
        collect(Infinity); // the tally, done with
        for (const piece of jsonPieces(report, 3)) {
          process.stdout.write(piece);
          collect(piece.length);
        }
      } else {
        const text = opts.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : opts.format === 'html' ? renderHtml(report) : renderMarkdown(report);
        if (opts.out) writeOut(opts.out, text);
        else process.stdout.write(text);
      }
      if (opts.writeConfig) {
        const n = writeSuggestedConfig(opts.writeConfig, config, report);
        if (!opts.quiet) process.stderr.write(`vtcode-errors: wrote ${opts.writeConfig} with ${n} suggested threshold${n === 1 ? '' : 's'}; review it before using it\n`);
      }
    });
  withExample(
    cmd,
    'vtcode-errors report logs/ --period week --format html --out report.html',
    'vtcode-errors report --db errors.db --period month --format markdown > report.md',
  );
}


/**
 * The report of the rows read from `paths` (into --db, when given) or, with `storeOnly`, of the store as
 * it is; null when the read was interrupted. The tally is let go of once the report is made.
 */
async function tallied(paths: string[], storeOnly: boolean, opts: ReportOptions, tally: ReportTally, config: Config): Promise<PeriodReport | null> {
  let ingest: PeriodReport['ingest'] = null;
  const read = async (sink: Store | MemoryStore<ReportTally>): Promise<boolean> => {
    const r = await runIngest(paths, sink, opts);
    if (r.interrupted) return false;
    if (!opts.quiet) process.stderr.write(nothingRead(r) ?? '');
    ingest = { files: r.files, records: r.records, ignored: r.ignored, skipped: r.skipped };
    return true;
  };
  if (opts.db === undefined) {
    // One-shot: the parsed rows go into the tally (twins joined first, as a store would), none is kept.
    const memory = new MemoryStore(tally, null, true);
    if (!(await read(memory))) return null;
    memory.finish();
  } else {
    const store = Store.open(opts.db, true);
    try {
      if (!storeOnly && !(await read(store))) return null;
      tallyStore(store.db, tally);
    } finally {
      store.close();
    }
  }
  return buildPeriodReport(tally, config, ingest);
}

/**
 * The config (the user's, else the commented default) with the suggested threshold, as a per-provider
 * override, of each alert that fired more than once a week: a threshold never reached is left alone.
 */
function writeSuggestedConfig(path: string, config: Config, report: PeriodReport): number {
  const doc = parseDocument(readFileSync(config.source ?? CONFIG_TEMPLATE, 'utf8'));
  let n = 0;
  for (const t of report.threshold_review) {
    if (t.suggested === null || t.episodes <= t.allowed_episodes) continue;
    doc.setIn(['alerts', 'overrides', t.provider, t.key, 'threshold'], t.suggested);
    n++;
  }
  const text = doc.toString();
  parseConfig(text, path); // what is written loads back (an invalid value would be an error naming it)
  writeOut(path, text);
  return n;
}
