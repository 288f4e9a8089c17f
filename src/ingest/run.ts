// Reading paths into a kept store, as `ingest --db` does, without the terminal (the library's ingest).
// (Apart from ingest.ts so that export, which keeps no rows, does not load SQLite.)
import { Store } from '../store/store.js';
import { ingestPaths, type IngestResult, type Reader } from './ingest.js';

/** What `ingestInto` did, and the rows the store holds after it. */
export interface StoreIngest extends IngestResult {
  rows: number;
}

/** Read `paths` into the SQLite store `db` (made when missing): only what is new since the last run. */
export async function ingestInto(paths: string[], db: string, opts: { strict?: boolean } = {}, read: Reader = ingestPaths): Promise<StoreIngest> {
  const store = Store.open(db, true);
  try {
    const result = await read(paths, store, { strict: opts.strict });
    return { ...result, rows: store.db.prepare('SELECT count(*) FROM error_logs').pluck().get() as number };
  } finally {
    store.close();
  }
}
