// Running an ingest from a command: progress on a terminal, SIGINT finishing the current batch, and
// problems reported as one line each.
import { ingestPaths, type IngestResult } from '../ingest/ingest.js';
import { progressLine, type Progress } from '../render/progress.js';
import type { RowSink } from '../store/store.js';

/** `progress`: a line the command goes on using after the ingest (check's backtest); else one of its own. */
export async function runIngest(paths: string[], store: RowSink, opts: { strict?: boolean; quiet?: boolean }, progress?: Progress): Promise<IngestResult> {
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(130); // a second Ctrl-C: leave now (the store is consistent at any moment)
    stop = true;
  };
  process.on('SIGINT', onSigint);
  progress ??= ingestProgress(store, opts);
  try {
    const result = await ingestPaths(paths, store, {
      strict: opts.strict,
      shouldStop: () => stop,
      onProgress: (p) => progress.update(p),
    });
    progress.done();
    for (const p of result.problems) process.stderr.write(`vtcode-errors: ${p.path}: ${p.reason}\n`);
    if (result.problems.length) process.exitCode = 2;
    if (result.interrupted) {
      // A one-shot run keeps nothing: say what it read, not what it stored.
      const files = `${result.files} file${result.files === 1 ? '' : 's'}`;
      process.stderr.write(
        store.temporary
          ? `vtcode-errors: interrupted: read ${result.read.records} records from ${files}; nothing was kept\n`
          : `vtcode-errors: interrupted: stored ${result.rowsAdded} new rows from ${files}; run again to read the rest\n`,
      );
      process.exitCode = 130;
    }
    return result;
  } finally {
    progress.done();
    process.off('SIGINT', onSigint);
  }
}

/** The progress line of a command that ingests: rows "read" when nothing is kept, else "stored". */
export function ingestProgress(store: Pick<RowSink, 'temporary'>, opts: { quiet?: boolean }): Progress {
  return progressLine(process.stderr.isTTY === true && !opts.quiet, store.temporary ? 'read' : 'stored');
}

/**
 * `analyze`'s note when no record was read and no path was at fault (a bad path is named already):
 * how many files, and the files a directory walk passed over by name.
 */
export function nothingRead(r: IngestResult): string | null {
  if (r.records > 0 || r.interrupted || r.problems.length > 0) return null;
  const files = `${r.files} file${r.files === 1 ? '' : 's'}`;
  const byName = r.skippedByName
    ? `; ${r.skippedByName} file${r.skippedByName === 1 ? '' : 's'} in the directories were passed over by name (only *.jsonl, *.ndjson, *.json, *.log and their .gz are read from a directory: name the others, or a glob such as 'logs/*.txt', to read them)`
    : '';
  return `vtcode-errors: no record was read (${files} read${byName})\n`;
}
