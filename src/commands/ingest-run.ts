// Running an ingest from a command: progress on a terminal, SIGINT finishing the current batch, and
// problems reported as one line each.
import { ingestPaths, type IngestResult } from '../ingest/ingest.js';
import { progressLine } from '../render/progress.js';
import type { RowSink } from '../store/store.js';

export async function runIngest(paths: string[], store: RowSink, opts: { strict?: boolean; quiet?: boolean }): Promise<IngestResult> {
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130); // a second Ctrl-C: leave now (the store is consistent at any moment)
    stop = true;
  };
  process.on('SIGINT', onSigint);
  const progress = progressLine(process.stderr.isTTY === true && !opts.quiet);
  try {
    const result = await ingestPaths(paths, store, {
      strict: opts.strict,
      shouldStop: () => stop,
      onProgress: (p) => progress.update(p),
    });
    for (const p of result.problems) process.stderr.write(`vtcode-errors: ${p.path}: ${p.reason}\n`);
    if (result.problems.length) process.exitCode = 2;
    if (result.interrupted) {
      process.stderr.write(
        `vtcode-errors: interrupted: stored ${result.rowsAdded} new rows from ${result.files} files; run again to read the rest\n`,
      );
      process.exitCode = 130;
    }
    return result;
  } finally {
    progress.done();
    process.off('SIGINT', onSigint);
  }
}
