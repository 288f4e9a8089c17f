// The store of DESIGN.md §4: incremental, idempotent ingest (re-ingest, append, partial last line,
// rotation), schema version and indexes, WAL, the temporary store of `analyze`, and two processes
// ingesting into the same database at once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeApi, countRows, ingestApi, jsonl, ok, openDb, runAsync, tmpDir, writeFixture } from './helpers.js';

const BASE = Date.UTC(2026, 10, 20, 0, 0, 0);
/** Error record number i (distinct time and request id; `tag` tells files apart). */
const rec = (i: number, tag = 'a') => ({
  timestamp: new Date(BASE + i * 1000).toISOString(),
  level: 'ERROR',
  provider: ['openai', 'anthropic', 'gemini'][i % 3],
  error_type: ['rate_limit', 'network_error', 'server_error'][i % 3],
  error_message: `failure ${tag}-${i}`,
  retry_count: i % 4,
  request_id: `${tag}-${i}`,
});
const recs = (from: number, to: number, tag = 'a') => Array.from({ length: to - from }, (_, k) => rec(from + k, tag));

// In-process (the library's ingest, what `ingest --db` calls); two processes at once stay processes.
const ingest = (paths: string[], db: string) => ingestApi(paths, db);
const ids = (db: string): string[] => {
  const h = openDb(db);
  try {
    return h.prepare('SELECT request_id FROM error_logs ORDER BY request_id').pluck().all() as string[];
  } finally {
    h.close();
  }
};
const duplicates = (db: string): number => {
  const h = openDb(db);
  try {
    return h.prepare('SELECT count(*) FROM (SELECT source FROM error_logs GROUP BY source, request_id HAVING count(*) > 1)').pluck().get() as number;
  } finally {
    h.close();
  }
};

describe('incremental and idempotent', () => {
  test('ingesting the same files again adds nothing', async () => {
    const d = tmpDir();
    const a = writeFixture(d, 'logs/a.jsonl', recs(0, 40));
    writeFixture(d, 'logs/b.jsonl.gz', gzipSync(jsonl(recs(0, 25, 'b'))));
    writeFixture(d, 'logs/c.json', JSON.stringify(recs(0, 5, 'c'), null, 2));
    const db = join(d, 's.db');
    await ingest([join(d, 'logs')], db);
    assert.equal(countRows(db), 70);
    await ingest([join(d, 'logs')], db);
    await ingest([a, join(d, 'logs')], db);
    assert.equal(countRows(db), 70);
    assert.equal(duplicates(db), 0);
  });

  test('analyze --db twice: same records, the store unchanged', async () => {
    const d = tmpDir();
    const f = writeFixture(d, 'a.jsonl', recs(0, 30));
    const db = join(d, 's.db');
    const one = await analyzeApi([f], { db });
    const two = await analyzeApi([f], { db });
    assert.equal(one.summary.records, 30);
    assert.equal(two.summary.records, 30);
    assert.deepEqual(two.rate_limit_spikes, one.rate_limit_spikes);
    assert.equal(countRows(db), 30);
  });

  test('appending N lines adds exactly N', async () => {
    const d = tmpDir();
    const f = writeFixture(d, 'a.jsonl', recs(0, 20));
    const other = writeFixture(d, 'b.jsonl', recs(0, 10, 'b'));
    const db = join(d, 's.db');
    await ingest([d], db);
    assert.equal(countRows(db), 30);
    appendFileSync(f, jsonl(recs(20, 27)));
    await ingest([d], db);
    assert.equal(countRows(db), 37);
    appendFileSync(f, jsonl(recs(27, 28)));
    appendFileSync(other, jsonl(recs(10, 13, 'b')));
    await ingest([d], db);
    assert.equal(countRows(db), 41);
    assert.deepEqual(ids(db), [...recs(0, 28).map((r) => r.request_id), ...recs(0, 13, 'b').map((r) => r.request_id)].sort());
  });

  test('appending to a file with a blank line, an ignored and a skipped line counts only the new lines', async () => {
    const d = tmpDir();
    const f = writeFixture(d, 'a.jsonl', jsonl([rec(0), '', { timestamp: rec(1).timestamp, level: 'INFO', message: 'tool ok' }, 'garbage', rec(2)]));
    const db = join(d, 's.db');
    const first = await analyzeApi([f], { db });
    assert.deepEqual([first.summary.records, first.summary.ignored, first.summary.skipped], [2, 1, 1]);
    appendFileSync(f, jsonl([rec(3), 'more garbage']));
    const second = await analyzeApi([f], { db });
    assert.equal(second.summary.records, 3);
    assert.equal(countRows(db), 3);
  });

  test('a gzip file that grew by another member adds only the new records', async () => {
    const d = tmpDir();
    const f = writeFixture(d, 'a.jsonl.gz', gzipSync(jsonl(recs(0, 5))));
    const db = join(d, 's.db');
    await ingest([f], db);
    assert.equal(countRows(db), 5);
    appendFileSync(f, gzipSync(jsonl(recs(5, 8))));
    await ingest([f], db);
    assert.equal(countRows(db), 8);
    await ingest([f], db);
    assert.equal(countRows(db), 8);
    assert.equal(duplicates(db), 0);
  });

  test('a last line still being written (no newline) is added once, when complete', async () => {
    const d = tmpDir();
    const full = JSON.stringify(rec(5));
    const cut = 37;
    const f = writeFixture(d, 'a.jsonl', jsonl(recs(0, 5)) + full.slice(0, cut));
    const db = join(d, 's.db');
    await ingest([f], db);
    assert.equal(countRows(db), 5);
    appendFileSync(f, full.slice(cut) + '\n');
    await ingest([f], db);
    assert.equal(countRows(db), 6);
    await ingest([f], db);
    assert.equal(countRows(db), 6);
    appendFileSync(f, jsonl(recs(6, 8)));
    await ingest([f], db);
    assert.equal(countRows(db), 8);
    assert.equal(duplicates(db), 0);
    assert.deepEqual(ids(db), recs(0, 8).map((r) => r.request_id).sort());
    // the half line was never a malformed record
    const r = await analyzeApi([f], { db });
    assert.deepEqual([r.summary.records, r.summary.skipped], [8, 0]);
  });

  test('a complete last record without a newline, then more lines: each record once', async () => {
    const d = tmpDir();
    const f = writeFixture(d, 'a.jsonl', jsonl(recs(0, 3)) + JSON.stringify(rec(3)));
    const db = join(d, 's.db');
    await ingest([f], db);
    const afterFirst = countRows(db);
    assert.ok(afterFirst === 3 || afterFirst === 4, `3 or 4 rows, got ${afterFirst}`);
    appendFileSync(f, '\n' + jsonl(recs(4, 6)));
    await ingest([f], db);
    assert.equal(countRows(db), 6);
    assert.deepEqual(ids(db), recs(0, 6).map((r) => r.request_id).sort());
  });

  test('a rotated file (renamed, a new file at the old path) adds only the new records', async () => {
    const d = tmpDir();
    const f = writeFixture(d, 'vtcode.jsonl', recs(0, 30));
    const db = join(d, 's.db');
    await ingest([d], db);
    assert.equal(countRows(db), 30);
    // the writer adds two more lines, then the file is rotated and a new one started
    appendFileSync(f, jsonl(recs(30, 32)));
    renameSync(f, join(d, 'vtcode.1.jsonl'));
    writeFileSync(f, jsonl(recs(100, 104)));
    await ingest([d], db);
    assert.equal(countRows(db), 36);
    assert.equal(duplicates(db), 0);
    assert.deepEqual(ids(db), [...recs(0, 32), ...recs(100, 104)].map((r) => r.request_id).sort());
    // and again: nothing new
    await ingest([d], db);
    assert.equal(countRows(db), 36);
  });

  test('distinct files with the same content (a copy, a gzip copy) are each read, once', async () => {
    const d = tmpDir();
    const text = jsonl(recs(0, 3));
    writeFixture(d, 'logs/a.jsonl', text);
    writeFixture(d, 'logs/backup/a.jsonl', text);
    writeFixture(d, 'logs/a-copy.log', gzipSync(text));
    const r = await analyzeApi([join(d, 'logs')]);
    assert.deepEqual([r.summary.files, r.summary.records], [3, 9]);
    const db = join(d, 's.db');
    await ingest([join(d, 'logs')], db);
    assert.equal(countRows(db), 9);
    await ingest([join(d, 'logs')], db);
    assert.equal(countRows(db), 9);
  });

  test('a file truncated and rewritten in place (copytruncate) adds its new records', async () => {
    const d = tmpDir();
    const f = writeFixture(d, 'vtcode.jsonl', recs(0, 10));
    const db = join(d, 's.db');
    await ingest([f], db);
    writeFileSync(f, jsonl(recs(200, 203)));
    await ingest([f], db);
    assert.equal(countRows(db), 13);
    assert.deepEqual(ids(db), [...recs(0, 10), ...recs(200, 203)].map((r) => r.request_id).sort());
  });
});

describe('schema', () => {
  let db: string;
  const setup = async () => {
    if (db) return db;
    const d = tmpDir();
    db = join(d, 's.db');
    await ingest([writeFixture(d, 'a.jsonl', recs(0, 12))], db);
    return db;
  };
  test('error_logs has the columns of §4 with their types', async () => {
    const h = openDb(await setup());
    try {
      const cols = h.prepare('PRAGMA table_info(error_logs)').all() as Array<{ name: string; type: string; notnull: number; pk: number }>;
      const want: Array<[string, string, number]> = [
        ['id', 'INTEGER', 0], ['timestamp', 'TEXT', 1], ['provider', 'TEXT', 1], ['model', 'TEXT', 0], ['event', 'TEXT', 1],
        ['error_type', 'TEXT', 0], ['error_subtype', 'TEXT', 0], ['status_code', 'INTEGER', 0], ['error_message', 'TEXT', 0],
        ['retry_count', 'INTEGER', 0], ['request_id', 'TEXT', 0], ['outcome', 'TEXT', 0], ['retryable', 'INTEGER', 0],
        ['level', 'TEXT', 0], ['source', 'TEXT', 0],
      ];
      const byName = new Map(cols.map((c) => [c.name, c]));
      for (const [name, type, notnull] of want) {
        const c = byName.get(name);
        assert.ok(c, `no column ${name}`);
        assert.equal(c.type.toUpperCase(), type, `type of ${name}`);
        if (notnull) assert.equal(c.notnull, 1, `${name} NOT NULL`);
      }
      assert.equal(byName.get('id')!.pk, 1, 'id is the primary key');
    } finally {
      h.close();
    }
  });
  test('a schema version is kept (PRAGMA user_version >= 1), a second table records the files', async () => {
    const h = openDb(await setup());
    try {
      assert.ok((h.pragma('user_version', { simple: true }) as number) >= 1);
      const tables = h.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
      assert.ok(tables.includes('error_logs'));
      assert.ok(tables.length >= 2, `a bookkeeping table besides error_logs: ${tables.join(', ')}`);
    } finally {
      h.close();
    }
  });
  test('indexes on error_logs serve the analyses (event / error_type / timestamp)', async () => {
    const h = openDb(await setup());
    try {
      const idx = h.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'error_logs' AND sql IS NOT NULL").pluck().all() as string[];
      assert.ok(idx.length >= 1, 'no index on error_logs');
      const cols = new Set(idx.flatMap((n) => (h.prepare(`PRAGMA index_info(${JSON.stringify(n)})`).all() as Array<{ name: string }>).map((c) => c.name)));
      assert.ok(cols.has('timestamp'), 'an index with timestamp');
      assert.ok(cols.has('event') || cols.has('error_type'), 'an index with event or error_type');
      // the rate-limit query of the analyses uses an index, not a full scan
      const plan = h
        .prepare("EXPLAIN QUERY PLAN SELECT provider, count(*) FROM error_logs WHERE event = 'error' AND error_type = 'rate_limit' AND timestamp >= '2026-11-20' GROUP BY provider")
        .all() as Array<{ detail: string }>;
      assert.ok(plan.some((p) => /USING (COVERING )?INDEX/.test(p.detail)), JSON.stringify(plan));
    } finally {
      h.close();
    }
  });
  test('timestamps stored as UTC YYYY-MM-DDTHH:MM:SS.sssZ', async () => {
    const h = openDb(await setup());
    try {
      const ts = h.prepare('SELECT timestamp FROM error_logs').pluck().all() as string[];
      assert.equal(ts.length, 12);
      for (const t of ts) assert.match(t, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    } finally {
      h.close();
    }
  });
  test('journal_mode is WAL for --db (ingest and analyze)', async () => {
    const d = tmpDir();
    const f = writeFixture(d, 'a.jsonl', recs(0, 3));
    const dbs = [join(d, 'ingest.db'), join(d, 'analyze.db')];
    await ingest([f], dbs[0]);
    await analyzeApi([f], { db: dbs[1] });
    for (const p of dbs) {
      const h = openDb(p);
      try {
        assert.equal(h.pragma('journal_mode', { simple: true }), 'wal', p);
      } finally {
        h.close();
      }
    }
  });
  test('analyze without --db leaves no database behind', () => {
    const d = tmpDir();
    const f = writeFixture(d, 'logs/a.jsonl', recs(0, 3));
    const tmp = tmpDir('vtce-tmpdir-');
    const r = ok(['analyze', f, '--format', 'json'], { env: { TMPDIR: tmp, TMP: tmp, TEMP: tmp }, cwd: d });
    assert.equal(JSON.parse(r).summary.records, 3);
    assert.deepEqual(readdirSync(tmp), [], 'temporary files left in TMPDIR');
    assert.deepEqual(readdirSync(d).sort(), ['logs'], 'files left in the working directory');
  });
});

describe('two processes ingesting into the same database at once', () => {
  const N = 4;
  const PER = 2000;
  const makeFiles = (d: string, tag: string) =>
    Array.from({ length: N }, (_, k) => writeFixture(d, `${tag}/f${k}.jsonl`, recs(k * PER, (k + 1) * PER, `${tag}${k}`)));

  test('the same files: exact total, no duplicates', async () => {
    const d = tmpDir();
    const files = makeFiles(d, 'same');
    const db = join(d, 's.db');
    const [a, b] = await Promise.all([
      runAsync(['ingest', ...files, '--db', db, '--format', 'json']),
      runAsync(['ingest', ...[...files].reverse(), '--db', db, '--format', 'json']),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(countRows(db), N * PER);
    assert.equal(duplicates(db), 0);
  });

  test('disjoint files: exact total, no duplicates', async () => {
    const d = tmpDir();
    const one = makeFiles(d, 'one');
    const two = makeFiles(d, 'two');
    const db = join(d, 's.db');
    const [a, b] = await Promise.all([
      runAsync(['ingest', ...one, '--db', db, '--format', 'json']),
      runAsync(['ingest', ...two, '--db', db, '--format', 'json']),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(countRows(db), 2 * N * PER);
    assert.equal(duplicates(db), 0);
    // and a third, sequential run adds nothing
    ingest([join(d, 'one'), join(d, 'two')], db);
    assert.equal(countRows(db), 2 * N * PER);
  });
});
