// Parsing in worker threads gives exactly what parsing in place gives, also when a pretty-printed
// array or document runs across the 1 MiB chunks the file is cut into.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './helpers.js';
import { bytesOf } from '../src/ingest/sources.js';

const T0 = Date.UTC(2026, 10, 20, 12);
const rec = (i: number, type = 'rate_limit') => ({
  timestamp: new Date(T0 + i * 1000).toISOString(), level: 'ERROR', provider: ['gemini', 'openai', 'anthropic'][i % 3],
  error_type: type, status_code: 429, error_message: `Too many requests (${i}) ${'x'.repeat(200)}`, request_id: `r${i}`,
});

function corpus(): { dir: string; records: number; skipped: number } {
  const dir = mkdtempSync(join(tmpdir(), 'parallel-'));
  const parts: string[] = [];
  let i = 0;
  for (; i < 4000; i++) parts.push(JSON.stringify(rec(i)));
  const array = Array.from({ length: 9000 }, (_, k) => rec(i + k, 'auth_error')); // ~2.5 MB, pretty
  i += 9000;
  parts.push(JSON.stringify(array, null, 2));
  const archive = {
    metadata: { provider: 'DeepSeek', model: 'deepseek-chat' },
    messages: [{ role: 'user', content: 'y'.repeat(1_500_000) }], // a document over a chunk boundary
    error_logs: [
      { timestamp: new Date(T0).toISOString(), level: 'ERROR', target: 'vtcode_core::llm', message: 'Provider error: http 503: overloaded' },
      { timestamp: new Date(T0 + 5000).toISOString(), level: 'ERROR', target: 'vtcode_core::llm', message: 'error sending request: connection reset' },
    ],
  };
  parts.push(JSON.stringify(archive, null, 2));
  parts.push('not json', '{"timestamp": "2026-11-20T12:00:00Z", "level": "ERROR"');
  for (let k = 0; k < 3000; k++, i++) parts.push(JSON.stringify(rec(i, 'network_error')));
  writeFileSync(join(dir, 'big.jsonl'), parts.join('\n') + '\n{"timestamp":"2026-11-20T13:00:00Z","level":"ERROR","provid');
  return { dir, records: 4000 + 9000 + 2 + 3000, skipped: 2 + 1 };
}

test('workers and in-place parsing agree, across chunk boundaries', () => {
  const c = corpus();
  const inPlace = run(['analyze', c.dir, '--format', 'json'], { env: { VTCODE_ERRORS_WORKERS: '0' } });
  const workers = run(['analyze', c.dir, '--format', 'json'], { env: { VTCODE_ERRORS_WORKERS: '2' } });
  assert.equal(inPlace.code, 0, inPlace.stderr);
  assert.equal(workers.code, 0, workers.stderr);
  const a = JSON.parse(inPlace.stdout);
  assert.equal(a.summary.records, c.records);
  assert.equal(a.summary.skipped, c.skipped);
  assert.deepEqual(a.summary.by_type, [
    { error_type: 'auth_error', errors: 9000 },
    { error_type: 'rate_limit', errors: 4000 },
    { error_type: 'network_error', errors: 3001 },
    { error_type: 'server_error', errors: 1 },
  ]);
  assert.deepEqual(JSON.parse(workers.stdout), a);
});

test('workers into a kept store: the same rows, and a re-run adds none', () => {
  const c = corpus();
  const db = join(c.dir, 's.db');
  const first = run(['analyze', c.dir, '--db', db, '--format', 'json'], { env: { VTCODE_ERRORS_WORKERS: '2' } });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(JSON.parse(first.stdout).summary.records, c.records);
  const again = run(['ingest', c.dir, '--db', db, '--format', 'json'], { env: { VTCODE_ERRORS_WORKERS: '2' } });
  assert.equal(JSON.parse(again.stdout).added, 0);
  const ids = run(['sql', '--db', db, 'SELECT count(DISTINCT request_id) AS ids, count(*) AS n FROM error_logs WHERE request_id IS NOT NULL', '--format', 'json']);
  assert.deepEqual(JSON.parse(ids.stdout), [{ ids: c.records - 2, n: c.records - 2 }]);
});

test('a chunk moved to a worker is read again from its file when the main thread needs it back, and a file that shrank meanwhile is a file problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'moved-'));
  const file = join(dir, 'log.jsonl');
  const text = Array.from({ length: 50 }, (_, i) => JSON.stringify(rec(i))).join('\n') + '\n';
  writeFileSync(file, text);
  const whole = Buffer.from(text);
  const [at, length] = [whole.indexOf(10) + 1, 700];
  const bytes = Buffer.allocUnsafeSlow(length); // an ArrayBuffer of its own, as a read's
  whole.copy(bytes, 0, at, at + length);
  // Moved: the ArrayBuffer went to a worker, the main thread's view reads 0 bytes.
  const moved = structuredClone(bytes, { transfer: [bytes.buffer] });
  assert.equal(bytes.byteLength, 0);
  const want = whole.subarray(at, at + length);
  assert.deepEqual(bytesOf({ file, bytes, at, length }), want);
  assert.deepEqual(bytesOf({ file, bytes: moved, at, length }), want, 'bytes still in hand are taken as they are');
  writeFileSync(file, text.slice(0, at + 10));
  assert.throws(() => bytesOf({ file, bytes, at, length }), (err: NodeJS.ErrnoException) => err.code === 'ESHRANK' && /shrank/.test(err.message));
});
