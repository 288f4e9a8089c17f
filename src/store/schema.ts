// The store's schema, as numbered migrations: a database is migrated forward to the last one.
// PRAGMA user_version holds the number of migrations applied.

/**
 * The index of time ranges (migration 4). A new store's first load builds it after its rows are in
 * (store.ts): sorting a million rows once costs less than keeping the index up row by row.
 */
export const TIME_INDEX = 'CREATE INDEX IF NOT EXISTS error_logs_time ON error_logs (timestamp, event, error_type, provider)';

export const MIGRATIONS: string[] = [
  // 1: the table users query (DESIGN.md §4), and what was ingested from which file.
  `CREATE TABLE error_logs (
     id INTEGER PRIMARY KEY,
     timestamp TEXT NOT NULL,
     provider TEXT NOT NULL,
     model TEXT,
     event TEXT NOT NULL,
     error_type TEXT,
     error_subtype TEXT,
     status_code INTEGER,
     error_message TEXT,
     retry_count INTEGER,
     request_id TEXT,
     outcome TEXT,
     retryable INTEGER,
     level TEXT,
     source TEXT
   );
   CREATE TABLE ingested_files (
     id INTEGER PRIMARY KEY,
     path TEXT NOT NULL,
     fingerprint TEXT NOT NULL,  -- sha1 of the first fp_len bytes of the (decompressed) content
     fp_len INTEGER NOT NULL,
     size INTEGER NOT NULL,      -- size on disk when last read
     consumed INTEGER NOT NULL,  -- bytes of content read up to the last complete record
     lines INTEGER NOT NULL,     -- lines read up to there
     records INTEGER NOT NULL DEFAULT 0,
     ignored INTEGER NOT NULL DEFAULT 0,
     skipped INTEGER NOT NULL DEFAULT 0,
     blank INTEGER NOT NULL DEFAULT 0,
     updated_at TEXT NOT NULL,
     UNIQUE (path, fingerprint, fp_len)
   );
   CREATE INDEX ingested_files_fingerprint ON ingested_files (fingerprint, fp_len);
   CREATE TABLE skipped_samples (
     file_id INTEGER NOT NULL REFERENCES ingested_files (id),
     line INTEGER NOT NULL,
     reason TEXT NOT NULL
   );
   CREATE INDEX skipped_samples_file ON skipped_samples (file_id, line);`,
  // 2: the same event read from two VT Code artifacts (debug log, session archive, trajectory) is
  // stored once: what identifies it, and which artifact it came from.
  `ALTER TABLE error_logs ADD COLUMN dedup_key TEXT;
   ALTER TABLE error_logs ADD COLUMN dedup_origin TEXT;
   CREATE INDEX error_logs_dedup ON error_logs (dedup_key) WHERE dedup_key IS NOT NULL;`,
  // 3: a generation number that every change of error_logs moves on, and the analyses' cells of the
  // last runs by filter, valid for the generation they were counted at: a re-run on unchanged input
  // answers from them at once.
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
   INSERT INTO meta (key, value) VALUES ('generation', 0);
   CREATE TABLE cells_cache (filter TEXT PRIMARY KEY, generation INTEGER NOT NULL, cells TEXT NOT NULL);`,
  // 4: one index: time first, then what the analyses group by, so that a time range of the analyses
  // (and of `check`) reads the index alone. (A new store's first load builds it at its end: TIME_INDEX.)
  `DROP INDEX IF EXISTS error_logs_event_type;
   DROP INDEX IF EXISTS error_logs_timestamp;
   ${TIME_INDEX};`,
  // 5: the exporter's counters (`serve`): every series' total, committed with the rows and offsets
  // that made it, so that a restart (even after kill -9) continues each counter where it stood.
  `CREATE TABLE series_totals (
     metric TEXT NOT NULL,   -- the name after <prefix>_ (src/alerts/series.ts)
     labels TEXT NOT NULL,   -- JSON object of the label values
     value REAL NOT NULL,
     PRIMARY KEY (metric, labels)
   );`,
  // 6: error_type, error_subtype and status_code describe an error event alone, so that the guide's
  // queries (`WHERE error_type = ...`, `WHERE status_code IN ...`) count what the analyses count; a
  // retry, recovered, failed or fallback row keeps the classification of the error it followed in
  // cause_type, cause_subtype and cause_status. (Cached cells are of before: cells.ts CELLS_VERSION 4.)
  `ALTER TABLE error_logs ADD COLUMN cause_type TEXT;
   ALTER TABLE error_logs ADD COLUMN cause_subtype TEXT;
   ALTER TABLE error_logs ADD COLUMN cause_status INTEGER;
   UPDATE error_logs SET cause_type = error_type, cause_subtype = error_subtype, cause_status = status_code,
     error_type = NULL, error_subtype = NULL, status_code = NULL
   WHERE event <> 'error';
   DELETE FROM cells_cache;`,
];
