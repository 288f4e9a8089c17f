// `vtcode-errors check <paths...>`: the CI / cron step. Backtest the configured alerts on the logs and
// verify that generated rules and dashboards are current. Exit 0 pass, 1 fired or drifted, 2 input error.
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { CHECK_FORMATS, FAIL_ON, NO_EVENTS, type FailOn, renderJunit, renderMarkdownReport, renderReport, type CheckFormat } from '../check/report.js';
import { checkLogs } from '../check/run.js';
import { loadConfig } from '../config/load.js';
import { addConfigOption, addDbOption, addOutputOptions, addProviderOption, addStrictOption, addTimeOptions, isoRange, timeRange, useColor, withExample, writeOut, type CommonOptions, type StoreOptions, type TimeOptions } from './common.js';
import { ingestProgress, runIngest } from './ingest-run.js';
import { addInputOptions, pathsOrStore, type InputOptions } from './inputs.js';

interface CheckOptions extends Omit<CommonOptions, 'format'>, InputOptions, TimeOptions, StoreOptions {
  format: CheckFormat;
  rules?: string;
  dashboards?: string;
  templates?: string;
  provisioningPath?: string;
  junit?: string;
  allowEmpty?: boolean;
  failOn: FailOn;
}

export function registerCheck(program: Command): void {
  const cmd = program
    .command('check')
    .description('CI / cron step: backtest the configured alerts on the logs, and check that generated rules and dashboards are current (exit 0 pass, 1 fired or drifted, 2 error)')
    .argument('[paths...]', 'files, directories, glob patterns, or - for stdin (none with --db: check the store as it is)');
  addConfigOption(cmd);
  addTimeOptions(cmd);
  addInputOptions(cmd);
  cmd
    .option('--rules <file>', 'a rule file written by gen-alerts (rules or prometheusrule, by content): is it what the config generates?')
    .option('--dashboards <dir>', 'a directory written by gen-dashboard (wrapped or not, by content): is it what the config generates?')
    .option('--templates <dir>', 'the --templates DIR the files were generated with')
    .option('--provisioning-path <dir>', "with --dashboards: options.path of provisioning.yaml (default: the path the file on disk names, else DIR's)");
  addOutputOptions(cmd, CHECK_FORMATS)
    .option('--junit <file>', 'also write JUnit XML: a test case per alert and provider, and per generated file');
  addStrictOption(cmd, 'a malformed log record is an input error (exit 2)');
  addDbOption(cmd, 'keep the store in this SQLite file (incremental); with no paths, check the store as it is');
  addProviderOption(cmd)
    .addOption(new Option('--fail-on <severity>', 'the least severity of a firing alert that fails the check (exit 1)').choices([...FAIL_ON]).default('warning'))
    .option('--allow-empty', 'no event in the range is a warning, not an error (exit 2)')
    .action(async (given: string[], opts: CheckOptions) => {
      const config = loadConfig(opts.config);
      const range = timeRange(opts);
      // With --db and no paths: the store as it is.
      const paths = await pathsOrStore('check', given, opts);
      // One line for the whole run: reading the logs, then the backtest.
      const progress = ingestProgress({ temporary: opts.db === undefined }, opts);
      let run;
      try {
        run = await checkLogs(
          paths,
          {
            db: opts.db, ...isoRange(range),
            providers: opts.provider, config, strict: opts.strict, allowEmpty: opts.allowEmpty, failOn: opts.failOn,
            rules: opts.rules, dashboards: opts.dashboards, templatesDir: opts.templates ? resolve(opts.templates) : undefined, provisioningPath: opts.provisioningPath,
            given: { config: opts.config, templates: opts.templates, provisioningPath: opts.provisioningPath },
          },
          (p, sink) => runIngest(p, sink, opts, progress),
          progress,
        );
      } finally {
        progress.done();
      }
      if (!run) return; // interrupted: runIngest said what was read
      const { report, ingest, events } = run;
      if (ingest && ingest.skipped > 0 && !opts.quiet) process.stderr.write(`vtcode-errors: ${ingest.skipped} malformed record${ingest.skipped === 1 ? '' : 's'} skipped (--strict makes that an error)\n`);

      if (opts.junit) writeOut(opts.junit, renderJunit(report), false);
      process.stdout.write(renderReport(report, opts.format, useColor(opts)));
      const summary = process.env.GITHUB_STEP_SUMMARY;
      if (opts.format === 'github' && summary) writeOut(summary, `${renderMarkdownReport(report)}\n`, true);
      // A CI step never passes on nothing: no event in the range is an input error unless allowed.
      const empty = events === 0;
      if (empty && !(opts.allowEmpty && opts.quiet)) process.stderr.write(`vtcode-errors: check: ${NO_EVENTS}\n`);
      const inputError = (ingest?.problems.length ?? 0) > 0;
      process.exitCode = inputError || (empty && !opts.allowEmpty) ? 2 : report.status === 'fail' ? 1 : 0;
    });
  withExample(
    cmd,
    'vtcode-errors check logs/ --rules alerts/llm-errors.rules.yml --dashboards dashboards/ --junit check.xml',
    'vtcode-errors check logs/ --since 24h --format github',
  );
}

