// A new store's first load builds its time index when it closes (issue 12: sorting once is cheaper
// than keeping the index up row by row); a first load that never closed (kill -9) has none, and the
// next opening builds it. The index is what a time range of the analyses and of `check` reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Store } from '../src/store/store.js';
import { analyzeJson, openDb, tmpDir } from './helpers.js';

const hasTimeIndex = (path: string): boolean => {
  const db = openDb(path);
  try {
    return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'error_logs_time'").get() !== undefined;
  } finally {
    db.close();
  }
};

test('a first load has no time index while it loads, and has it once closed', () => {
  const path = join(tmpDir(), 'first.db');
  const store = Store.open(path, true);
  store.db.prepare("INSERT INTO ingested_files (path, size, consumed, lines, fingerprint, fp_len, updated_at) VALUES ('x', 0, 0, 0, '', 0, '')").run();
  assert.equal(hasTimeIndex(path), false);
  store.close();
  assert.equal(hasTimeIndex(path), true);
});

test('a first load that never closed (killed) gets its time index at the next opening', () => {
  const path = join(tmpDir(), 'killed.db');
  const store = Store.open(path, true);
  store.db.prepare("INSERT INTO ingested_files (path, size, consumed, lines, fingerprint, fp_len, updated_at) VALUES ('x', 0, 0, 0, '', 0, '')").run();
  store.db.close(); // as a kill -9 leaves it: Store.close never ran
  assert.equal(hasTimeIndex(path), false);
  Store.open(path, true).close();
  assert.equal(hasTimeIndex(path), true);
});

test('analyze --db on a new store leaves the time index, and a time range reads it', () => {
  const path = join(tmpDir(), 'examples.db');
  const report = analyzeJson(['examples/logs', '--db', path]);
  assert.ok(report.summary.errors > 0);
  assert.equal(hasTimeIndex(path), true);
  const db = openDb(path);
  try {
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT provider, count(*) FROM error_logs WHERE timestamp >= '2026-01-01' AND event = 'error' GROUP BY provider")
      .all() as Array<{ detail: string }>;
    assert.match(plan.map((p) => p.detail).join('\n'), /error_logs_time/);
  } finally {
    db.close();
  }
});
