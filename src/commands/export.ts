// `vtcode-errors export`: the series `serve` serves, as history in OpenMetrics text for
// `promtool tsdb create-blocks-from openmetrics` (src/exporter/history.ts).
import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { tryParseDurationMs } from '../config/duration.js';
import { exportHistory } from '../exporter/history.js';
import { UserError } from '../model.js';
import { addConfigOption, addStrictOption, addTimeOptions, isoRange, timeRange, withExample, type TimeOptions } from './common.js';
import { runIngest } from './ingest-run.js';
import { addInputOptions, inputPaths, type InputOptions } from './inputs.js';

interface ExportOptions extends InputOptions, TimeOptions {
  config?: string;
  format: 'openmetrics';
  step: string;
  out?: string;
  strict?: boolean;
}

export function registerExport(program: Command): void {
  const cmd = program
    .command('export')
    .description('write the metrics serve would have served over the logs, one sample per step, for backfilling Prometheus')
    .argument('[paths...]', 'files, directories, glob patterns, or - for stdin')
    .addOption(new Option('--format <format>', 'output format').choices(['openmetrics']).default('openmetrics'))
    .option('--step <duration>', 'time between samples (use the scrape interval)', '15s')
    .option('--out <file>', 'write here instead of stdout');
  addStrictOption(cmd).option('-q, --quiet', 'no progress or notes on stderr');
  addInputOptions(addTimeOptions(addConfigOption(cmd))).action(async (given: string[], opts: ExportOptions) => {
    const config = loadConfig(opts.config);
    const stepMs = tryParseDurationMs(opts.step);
    if (stepMs === null || stepMs < 1000) throw new UserError(`--step ${opts.step}: expected a duration of at least 1s, such as 15s`);
    const range = timeRange(opts);
    const paths = await inputPaths('export', given, opts);
    const history = await exportHistory(
      paths,
      { config, stepMs, ...isoRange(range), strict: opts.strict },
      (p, sink) => runIngest(p, sink, opts),
    );
    if (!history) return; // interrupted: runIngest said what was read
    if (history.series === 0 && !opts.quiet) process.stderr.write('vtcode-errors: export: no provider-error event in range: nothing to export\n');
    const out: Writable = opts.out ? createWriteStream(opts.out) : process.stdout;
    try {
      await pipeline(Readable.from(history.text), out, { end: opts.out !== undefined });
    } catch (err) {
      throw new UserError(`cannot write ${opts.out ?? 'standard output'} (${(err as Error).message})`);
    }
  });
  withExample(
    cmd,
    'vtcode-errors export logs/ --step 15s --since 30d > history.om',
    'promtool tsdb create-blocks-from openmetrics history.om /var/lib/prometheus/metrics2',
  );
}
