// `vtcode-errors ingest <paths...> --db FILE`: ingest only; incremental and idempotent.
import type { Command } from 'commander';
import { renderJson, renderSections } from '../render/index.js';
import { ingestInto } from '../ingest/run.js';
import { addDbOption, addOutputOptions, addStrictOption, useColor, withExample, type CommonOptions } from './common.js';
import { runIngest } from './ingest-run.js';
import { addInputOptions, inputPaths, type InputOptions } from './inputs.js';

export function registerIngest(program: Command): void {
  const cmd = program
    .command('ingest')
    .description('read logs into a SQLite store (a re-run adds only what is new)')
    .argument('[paths...]', 'files, directories, glob patterns, or - for stdin');
  addDbOption(cmd, 'the SQLite store to create or add to', true);
  addStrictOption(cmd);
  addInputOptions(cmd);
  addOutputOptions(cmd).action(async (given: string[], opts: CommonOptions & InputOptions & { db: string; strict?: boolean }) => {
    const paths = await inputPaths('ingest', given, opts);
    const r = await ingestInto(paths, opts.db, { strict: opts.strict }, (p, sink) => runIngest(p, sink, opts));
    const summary = { files: r.files, added: r.rowsAdded, rows: r.rows, ignored: r.ignored, skipped: r.skipped, skipped_samples: r.samples };
    if (opts.format === 'json') process.stdout.write(renderJson(summary));
    else {
      const columns = ['files', 'added', 'rows', 'ignored', 'skipped'];
      process.stdout.write(renderSections(opts.format, [{ key: 'ingest', title: `Ingested into ${opts.db}`, columns, rows: [summary] }], useColor(opts)));
    }
  });
  withExample(cmd, 'vtcode-errors ingest ~/.vtcode/logs --db errors.db', 'vtcode-errors sql --db errors.db "SELECT provider, count(*) FROM error_logs GROUP BY 1"');
}
