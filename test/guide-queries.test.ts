// The error-analytics guide's three queries (issue 13, item 19), pasted verbatim into `sql`, give the
// built-in analyses' numbers: error_type and status_code are an error's alone, and a retry's or an
// outcome's classification is its cause (schema migration 6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { query } from '../src/store/query.js';
import { MIGRATIONS } from '../src/store/schema.js';
import { Store } from '../src/store/store.js';
import { allRows, analyzeApi, ingestApi, jsonl, ROOT, tmpDir, utc, writeFixture, type AnalyzeReport } from './helpers.js';

const EXAMPLES_DIR = join(ROOT, 'examples', 'logs');

export const GUIDE_QUERIES = {
  spikes: `SELECT provider, DATE_TRUNC('hour', timestamp) as hour, COUNT(*) as rate_limit_count
FROM error_logs WHERE error_type = 'rate_limit'
GROUP BY provider, hour ORDER BY rate_limit_count DESC LIMIT 20;`,
  auth: `SELECT provider, error_message, COUNT(*) as occurrences
FROM error_logs WHERE status_code IN (401, 403)
GROUP BY provider, error_message ORDER BY occurrences DESC;`,
  network: `SELECT provider, error_type, AVG(retry_count) as avg_retries, COUNT(*) as total_errors
FROM error_logs WHERE error_type = 'network_error' GROUP BY provider, error_type;`,
};

const iso = (t: number) => new Date(t).toISOString();
const H = 3_600_000;
const T0 = utc(2026, 11, 20, 9);

// Flat records as the guide logs them, and VT Code's tracing lines: retry announcements and outcomes
// that carry the error they followed (each of those would double a guide query's count if it kept
// its type in error_type).
function handMade(): string {
  const dir = tmpDir('vtce-guide-');
  const flat = (i: number, o: Record<string, unknown>) => ({ timestamp: iso(T0 + i * 60_000), level: 'ERROR', ...o });
  const tracing = (i: number, target: string, fields: Record<string, unknown>, level = 'WARN') => ({
    timestamp: iso(T0 + i * 60_000 + 30_000), level, fields, target: `vtcode_core::llm::providers::${target}`,
  });
  const records: object[] = [];
  for (let i = 0; i < 5; i++) records.push(flat(i, { provider: 'openai', error_type: 'rate_limit', status_code: 429, error_message: 'Rate limit reached for gpt-5', retry_count: i % 3, status: 'recovered' }));
  for (let i = 0; i < 3; i++) records.push(flat(70 + i, { provider: 'openai', error_type: 'rate_limit', status_code: 429, error_message: 'Rate limit reached for gpt-5', retry_count: 1, status: 'recovered' }));
  for (let i = 0; i < 2; i++) records.push(flat(130 + i, { provider: 'gemini', status_code: 429, error_message: 'Resource has been exhausted (e.g. check quota).', retry_count: 2, status: 'failed' }));
  for (let i = 0; i < 3; i++) records.push(flat(10 + i, { provider: 'openai', status_code: 401, error_message: 'Incorrect API key provided: sk-proj-abcdefghijklmnop1234. You can find your API key at https://platform.openai.com/account/api-keys.', status: 'failed' }));
  for (let i = 0; i < 2; i++) records.push(flat(20 + i, { provider: 'anthropic', status_code: 403, error_message: 'Your API key does not have permission to use the specified resource.', status: 'failed' }));
  records.push(flat(25, { provider: 'anthropic', status_code: 401, error_message: 'invalid x-api-key', status: 'failed' }));
  for (const [i, n] of [[30, 1], [31, 2], [32, 2], [33, null]] as const) {
    records.push(flat(i, { provider: 'openai', error_type: 'network_error', error_message: 'error sending request for url: operation timed out', ...(n === null ? {} : { retry_count: n }), status: 'recovered' }));
  }
  records.push(flat(40, { provider: 'deepseek', error_type: 'network_error', error_message: 'connection reset by peer', retry_count: 4, status: 'failed' }));
  // Retries and outcomes, each carrying the error it followed.
  records.push(tracing(1, 'openai', { message: 'Retrying after error', error_type: 'rate_limit', status_code: '429 Too Many Requests', retry_count: 1 }));
  records.push(tracing(2, 'gemini', { message: 'Retrying after error', error_type: 'rate_limit', attempt: 2 }));
  records.push(tracing(31, 'openai', { message: 'Retrying after error', error_type: 'network_error', retry_count: 2 }));
  records.push(tracing(41, 'deepseek', { message: 'Request failed after retries', final_error: 'error sending request for url: operation timed out', retry_count: 3 }, 'ERROR'));
  records.push(tracing(11, 'openai', { message: 'Request failed after retries', final_error: 'Incorrect API key provided', status_code: '401 Unauthorized', retry_count: 1 }, 'ERROR'));
  records.push(tracing(42, 'openai', { message: 'Successfully recovered from error', retry_count: 2 }, 'INFO'));
  return writeFixture(dir, 'guide.jsonl', jsonl(records));
}

const sortRows = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

/** The three queries' rows, shaped as the analyses print them. */
function guideAnswers(db: string) {
  const spikes = query(db, GUIDE_QUERIES.spikes).rows.map((r) => ({ provider: r.provider, hour: r.hour, count: r.rate_limit_count }));
  const auth = query(db, GUIDE_QUERIES.auth).rows.map((r) => ({ provider: r.provider, message: r.error_message, count: r.occurrences }));
  const network = query(db, GUIDE_QUERIES.network).rows.map((r) => ({ provider: r.provider, avg_retries: round2(r.avg_retries as number | null), total: r.total_errors }));
  return { spikes, auth, network };
}

function analysesOf(report: AnalyzeReport) {
  return {
    spikes: report.rate_limit_spikes.slice(0, 20).map((r) => ({ provider: r.provider, hour: r.hour, count: r.count })),
    auth: report.auth_failures.map((r) => ({ provider: r.provider, message: r.message, count: r.count })),
    network: report.network_errors.map((r) => ({ provider: r.provider, avg_retries: r.avg_retries, total: r.total })),
  };
}

test('the guide queries, verbatim, give the analyses on hand-made logs with retries and outcomes', async () => {
  const { db } = await ingestApi([handMade()]);
  const events = query(db, 'SELECT event, count(*) AS n FROM error_logs GROUP BY 1 ORDER BY 1').rows;
  assert.deepEqual(events, [
    { event: 'error', n: 21 }, { event: 'failed', n: 2 }, { event: 'recovered', n: 1 }, { event: 'retry', n: 3 },
  ]);
  const guide = guideAnswers(db);
  const analyses = analysesOf(await analyzeApi([], { db }));
  assert.deepEqual(sortRows(guide.spikes), sortRows(analyses.spikes));
  assert.deepEqual(sortRows(guide.auth), sortRows(analyses.auth));
  assert.deepEqual(sortRows(guide.network), sortRows(analyses.network));
  // The numbers themselves: 5 openai rate limits in the 09:00 hour (the retry at 09:01 is not a sixth),
  // 3 in 10:00; deepseek's network error once (not again as its failed outcome); openai's 401 three times.
  assert.deepEqual(guide.spikes.slice(0, 2), [
    { provider: 'openai', hour: '2026-11-20T09:00:00Z', count: 5 },
    { provider: 'openai', hour: '2026-11-20T10:00:00Z', count: 3 },
  ]);
  assert.deepEqual(sortRows(guide.network), sortRows([{ provider: 'openai', avg_retries: 1.67, total: 4 }, { provider: 'deepseek', avg_retries: 4, total: 1 }]));
  assert.equal(guide.auth.find((r) => r.provider === 'openai')?.count, 3);
  assert.match(String(guide.auth.find((r) => r.provider === 'openai')?.message), /\[REDACTED\]/, 'the stored message is the redacted one the analyses group by');
  // The outcomes keep their error as the cause.
  const causes = query(db, "SELECT provider, cause_type, cause_status FROM error_logs WHERE event <> 'error' AND cause_type IS NOT NULL ORDER BY provider, cause_type").rows;
  assert.deepEqual(causes, [
    { provider: 'deepseek', cause_type: 'network_error', cause_status: null },
    { provider: 'gemini', cause_type: 'rate_limit', cause_status: null },
    { provider: 'openai', cause_type: 'auth_error', cause_status: 401 },
    { provider: 'openai', cause_type: 'network_error', cause_status: null },
    { provider: 'openai', cause_type: 'rate_limit', cause_status: 429 },
  ]);
});

test('on the bundled examples: spikes and network errors equal; auth differs by Gemini, whose bad key is a 400', async () => {
  const { db } = await ingestApi([EXAMPLES_DIR]);
  const guide = guideAnswers(db);
  const analyses = analysesOf(await analyzeApi([], { db }));
  assert.ok(analyses.spikes.length === 20 && analyses.network.length > 3);
  assert.deepEqual(sortRows(guide.spikes), sortRows(analyses.spikes));
  assert.deepEqual(sortRows(guide.network), sortRows(analyses.network));
  const missing = analyses.auth.filter((a) => !guide.auth.some((g) => JSON.stringify(g) === JSON.stringify(a)));
  assert.deepEqual(missing, [{ provider: 'gemini', message: 'API key not valid. Please pass a valid API key.', count: 5 }]);
  assert.equal(guide.auth.length, analyses.auth.length - 1, 'nothing the analyses leave out');
  const status = query(db, "SELECT DISTINCT status_code FROM error_logs WHERE provider = 'gemini' AND error_type = 'auth_error'").rows;
  assert.deepEqual(status, [{ status_code: 400 }]);
});

test('a store of schema 5 moves an outcome\'s classification to its cause, and reads as a new one', async () => {
  const { db: fresh } = await ingestApi([EXAMPLES_DIR]);
  const old = join(tmpDir('vtce-migrate-'), 'old.db');
  copyFileSync(fresh, old);
  // Back to schema 5: the classification of every row in error_type, error_subtype and status_code.
  const h = new Database(old);
  h.exec(`UPDATE error_logs SET error_type = cause_type, error_subtype = cause_subtype, status_code = cause_status WHERE event <> 'error';
    ALTER TABLE error_logs DROP COLUMN cause_type; ALTER TABLE error_logs DROP COLUMN cause_subtype; ALTER TABLE error_logs DROP COLUMN cause_status;`);
  h.pragma(`user_version = ${MIGRATIONS.length - 1}`);
  const typedOutcomes = h.prepare("SELECT count(*) FROM error_logs WHERE event <> 'error' AND error_type IS NOT NULL").pluck().get() as number;
  h.close();
  assert.ok(typedOutcomes > 20, `outcomes with a type in the old store: ${typedOutcomes}`);
  // A new store starts at generation 0 whatever its migrations (a first load then answers from the
  // cells it counted as it read, not from a count over the store), and the move leaves it be.
  const generation = (p: string) => query(p, "SELECT value FROM meta WHERE key = 'generation'").rows[0].value;
  const empty = join(tmpDir('vtce-new-'), 'new.db');
  Store.open(empty).close();
  assert.equal(generation(empty), 0);
  const before = generation(old);
  const report = await analyzeApi([], { db: old });
  assert.equal(generation(old), before);
  assert.deepEqual(report, await analyzeApi([], { db: fresh }));
  assert.deepEqual(allRows(old), allRows(fresh));
  const raw = (p: string) => {
    const d = new Database(p, { readonly: true });
    try {
      return d.prepare('SELECT * FROM error_logs ORDER BY id').all();
    } finally {
      d.close();
    }
  };
  assert.deepEqual(raw(old), raw(fresh));
});
