// Secrets planted in every place a record can carry text never come out: not in any output format of
// analyze / ingest / sql, not on stderr, not in the bytes of the database file or its WAL (DESIGN.md
// §3 and §9: redacted before anything is stored or printed, context kept).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { allRows, jsonl, openDb, run, tmpDir, writeFixture, writeFixtures } from './helpers.js';

// Fake secrets in the providers' formats. Each has a distinctive body that must never be seen again.
const SECRETS = {
  sk: 'sk-Qh7RfT2mWz9XcV4bN8kLp3Jd',
  skAnt: 'sk-ant-api03-Vb8NwQ3xZr5TyU1iO7pA9sDf2GhJ4kL6-Mn0BvCxZ_aSdFgHjKl-QwErTyAA',
  skProj: 'sk-proj-Ty6UiO9pAs2DfG5hJk8LzX1cVb4NmQw7ErTy3UiOp0AsDfGh',
  aiza: 'AIzaSyD4fG7hJ0kL3zX6cV9bN2mQ5wE8rT1yU4i',
  xai: 'xai-Lp2Ok9Ij8Uh7Yg6Tf5Rd4Es3Wa2Qz1Xc0VbNmKjHgFdSaPoIuYtReWqAsDfGhJkLzXcVbNm',
  gsk: 'gsk_Wq3Er4Ty5Ui6Op7As8Df9Gh0JkLzXcVbNm1Qw2Er3Ty4',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJGYWtlVXNlcjQyIn0.Zx8Cv7Bn6Mm5Lk4Jh3Gf2Ds1Aq',
  key: 'Rk9Tm2Wx7Vn4Bz1Qs8',
  apiKey: 'Pm3Kd8Lf5Ns2Hx9Cw6',
};
// The parts that must not survive (after the well-known prefixes, which may stay as context).
const BODIES = Object.values(SECRETS).map((s) => s.replace(/^(sk-ant-|sk-proj-|sk-|AIza|xai-|gsk_)/, '').slice(0, 16));

const T = (m: number) => new Date(Date.UTC(2026, 10, 20, 10, m, 0)).toISOString();
const S = (m: number) => Math.floor(Date.UTC(2026, 10, 20, 10, m, 0) / 1000);

// Records that carry the secrets: messages, bodies, transport errors, model and request_id fields,
// tracing fields, a session archive, a trajectory, gzip, and a malformed line.
const FLAT = [
  { timestamp: T(1), level: 'ERROR', provider: 'openai', status_code: 401, error_message: `Incorrect API key provided: ${SECRETS.sk}. You can find your API key at https://platform.openai.com/account/api-keys.` },
  { timestamp: T(2), level: 'ERROR', provider: 'anthropic', status_code: 401, message: `invalid x-api-key (sent x-api-key: ${SECRETS.skAnt})` },
  { timestamp: T(3), level: 'ERROR', provider: 'openai', status_code: 401, msg: `Authorization: Bearer ${SECRETS.bearer} was rejected` },
  { timestamp: T(4), level: 'ERROR', provider: 'gemini', status_code: 403, error: `GET https://generativelanguage.googleapis.com/v1beta/models?key=${SECRETS.key} -> 403 permission denied` },
  { timestamp: T(5), level: 'ERROR', provider: 'openrouter', status_code: 401, error_message: `unauthorized: https://example.com/v1/chat?api_key=${SECRETS.apiKey}&stream=true` },
  { timestamp: T(6), level: 'ERROR', provider: 'openai', error_type: 'auth_error', model: SECRETS.skProj, request_id: SECRETS.gsk, error_message: 'bad key pasted as the model' },
  // the key starts 7 characters before the 500-character cut
  { timestamp: T(7), level: 'ERROR', provider: 'xai', status_code: 401, error_message: 'x'.repeat(488) + ` key ${SECRETS.xai} was rejected` },
  { timestamp: T(8), level: 'ERROR', provider: 'groq', status_code: 401, error_message: `Invalid API Key ${SECRETS.gsk}` },
  `{"timestamp":"${T(9)}","level":"ERROR","provider":"openai","error_message":"truncated ${SECRETS.skProj}`,
];
const RAW = [
  { ts: Date.UTC(2026, 10, 20, 10, 10), provider: 'openai', status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${SECRETS.skProj}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }) },
  { ts: Date.UTC(2026, 10, 20, 10, 11), provider: 'gemini', status: 400, response_body: JSON.stringify({ error: { code: 400, message: `API key not valid. Please pass a valid API key. (${SECRETS.aiza})`, status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] } }) },
  { ts: Date.UTC(2026, 10, 20, 10, 12), provider: 'gemini', error: `error sending request for url (https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent?key=${SECRETS.aiza}): error trying to connect: dns error` },
  { ts: Date.UTC(2026, 10, 20, 10, 13), provider: 'xai', status: 401, body: `{"code":"Client specified an invalid argument","error":"Incorrect API key provided: ${SECRETS.xai}. Obtain an API key from https://console.x.ai."}` },
];
const TRACING = [
  { timestamp: T(20), level: 'ERROR', target: 'vtcode_core::llm::providers::anthropic', fields: { message: `http 401: authentication_error with key ${SECRETS.skAnt}`, request_id: `req ${SECRETS.sk}` } },
  { timestamp: T(21), level: 'ERROR', target: 'vtcode_core::llm::providers::openai', fields: { message: 'Request failed after retries', final_error: `401 Unauthorized: Bearer ${SECRETS.bearer}` } },
];
const SESSION = {
  metadata: { provider: 'anthropic', model: 'claude-sonnet-4-5' },
  error_logs: [{ timestamp: T(30), level: 'ERROR', target: 'vtcode_core::llm', message: `Provider error: http 401: invalid x-api-key ${SECRETS.skAnt}` }],
};
const TRAJECTORY = [
  { kind: 'llm_retry_metrics', model: 'gpt-5', attempts_made: 3, retries_used: 2, success: false, exhausted_retry_budget: true, last_error: `http 401: Incorrect API key provided: ${SECRETS.skProj}`, ts: S(40) },
];

let dir: string;
let db: string;
const outputs: Array<[string, string]> = [];

function assertClean(where: string, text: string) {
  for (const b of BODIES) assert.ok(!text.includes(b), `${where} holds a secret (${b})`);
}

before(() => {
  dir = tmpDir();
  writeFixtures(dir, {
    'logs/flat.jsonl': jsonl(FLAT),
    'logs/raw.jsonl': RAW,
    'logs/tracing.log': TRACING,
    'logs/.vtcode/sessions/session-1.json': JSON.stringify(SESSION, null, 2),
    'logs/.vtcode/trajectory.jsonl': TRAJECTORY,
    'logs/old.jsonl.gz': gzipSync(jsonl(FLAT.slice(0, 3))),
  });
  db = join(dir, 'store.db');
  const logs = join(dir, 'logs');
  const go = (name: string, args: string[]) => {
    const r = run(args);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    outputs.push([`${name} stdout`, r.stdout], [`${name} stderr`, r.stderr]);
  };
  go('ingest', ['ingest', logs, '--db', db, '--format', 'json']);
  for (const f of ['table', 'json', 'csv', 'markdown']) {
    go(`analyze --format ${f}`, ['analyze', logs, '--format', f]);
    go(`sql --format ${f}`, ['sql', '--db', db, 'SELECT * FROM error_logs', '--format', f]);
  }
  const strict = run(['analyze', logs, '--strict']);
  assert.equal(strict.code, 2);
  outputs.push(['analyze --strict stderr', strict.stderr], ['analyze --strict stdout', strict.stdout]);
});

describe('planted secrets', () => {
  test('every record was stored (the test reaches every field)', () => {
    const rows = allRows(db);
    // flat 8 + gz 3 + raw 4 + tracing 2 + session 1 + trajectory 1; the malformed line is skipped
    assert.equal(rows.length, 19);
  });
  test('no output format, and no stderr, shows a secret', () => {
    assert.equal(outputs.length, 20);
    for (const [where, text] of outputs) assertClean(where, text);
  });
  test('the auth findings print with the secret replaced in context', () => {
    const json = JSON.parse(outputs.find(([w]) => w === 'analyze --format json stdout')![1]) as { auth_failures: Array<{ provider: string; message: string; count: number }> };
    const messages = json.auth_failures.map((a) => a.message);
    // the same message with three different keys (sk-, sk-proj- in a body, and the gzipped copy): one group
    assert.deepEqual(
      json.auth_failures.filter((a) => a.message === 'Incorrect API key provided: [REDACTED]. You can find your API key at https://platform.openai.com/account/api-keys.'),
      [{ provider: 'openai', message: 'Incorrect API key provided: [REDACTED]. You can find your API key at https://platform.openai.com/account/api-keys.', count: 3 }],
    );
    assert.ok(messages.some((m) => m === 'Authorization: Bearer [REDACTED] was rejected'), messages.join('\n'));
    assert.ok(messages.some((m) => m.includes('?key=[REDACTED]')), messages.join('\n'));
    assert.ok(messages.some((m) => m.includes('?api_key=[REDACTED]&stream=true')), messages.join('\n'));
  });
  test('model and request_id fields are redacted', () => {
    const rows = allRows(db);
    const r = rows.find((x) => x.error_message === 'bad key pasted as the model');
    assert.ok(r);
    assert.equal(r.model, '[REDACTED]');
    assert.equal(r.request_id, '[REDACTED]');
    const tr = rows.find((x) => x.request_id?.startsWith('req '));
    assert.equal(tr?.request_id, 'req [REDACTED]');
  });
  test('a secret across the 500-character cut is not half kept', () => {
    const r = allRows(db).find((x) => x.provider === 'xai' && x.error_message?.startsWith('xxxx'));
    assert.ok(r);
    const msg = r.error_message ?? '';
    assert.ok(msg.length <= 500);
    assert.ok(msg.startsWith('x'.repeat(488) + ' key '), msg.slice(480));
    assert.ok(!msg.includes(SECRETS.xai.slice(0, 7)), `a piece of the key survives: ${msg.slice(480)}`);
  });
  test('the database file and its WAL hold no secret', () => {
    for (const p of [db, `${db}-wal`, `${db}-shm`]) {
      if (!existsSync(p)) continue;
      const bytes = readFileSync(p).toString('latin1');
      assertClean(p, bytes);
    }
  });
  test('the WAL written by an ingest, kept alive by an open reader, holds no secret', () => {
    const d = tmpDir();
    const second = join(d, 's.db');
    const seed = writeFixture(d, 'seed.jsonl', [{ timestamp: T(0), level: 'ERROR', provider: 'openai', error_message: 'seed' }]);
    assert.equal(run(['ingest', seed, '--db', second]).code, 0);
    // An open connection keeps the WAL from being checkpointed away when the ingest process exits.
    const h = openDb(second);
    try {
      assert.equal(h.prepare('SELECT count(*) FROM error_logs').pluck().get(), 1);
      const r = run(['ingest', join(dir, 'logs'), '--db', second]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(existsSync(`${second}-wal`), 'no -wal file');
      const wal = readFileSync(`${second}-wal`);
      assert.ok(wal.length > 0, 'empty -wal file');
      assertClean(`${second}-wal`, wal.toString('latin1'));
      assertClean(second, readFileSync(second).toString('latin1'));
      assert.equal(h.prepare('SELECT count(*) FROM error_logs').pluck().get(), 20);
    } finally {
      h.close();
    }
  });
});
