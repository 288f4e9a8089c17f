// VT Code's artifacts end to end: the fixture of test/fixtures/vtcode (see its EXPECTED.md), read as a
// directory and found through --vtcode; events written to two artifacts are counted once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, run } from './helpers.js';

const FIXTURE = join(ROOT, 'test/fixtures/vtcode');

// EXPECTED.md: 32 rows before duplicates, 6 duplicates (5 retry outcomes, 1 ERROR line), so 26 rows.
const expected = {
  files: 10,
  records: 26,
  errors: 11,
  ignored: 35 + 6,
  skipped: 1,
  by_provider: [
    { provider: 'deepseek', errors: 7 },
    { provider: 'gemini', errors: 2 },
    { provider: 'openai', errors: 1 },
    { provider: 'openrouter', errors: 1 },
  ],
  by_type: [
    { error_type: 'server_error', errors: 5 },
    { error_type: 'rate_limit', errors: 3 },
    { error_type: 'network_error', errors: 2 },
    { error_type: 'auth_error', errors: 1 },
  ],
};
const recovery = [
  { provider: 'anthropic', recovered: 1, failed: 0, success_rate: 1 },
  { provider: 'deepseek', recovered: 2, failed: 2, success_rate: 0.5 },
  { provider: 'openai', recovered: 1, failed: 0, success_rate: 1 },
];

function summaryOf(stdout: string) {
  const r = JSON.parse(stdout);
  const { files, records, errors, ignored, skipped, by_provider, by_type } = r.summary;
  return { summary: { files, records, errors, ignored, skipped, by_provider, by_type }, recovery: r.recovery };
}

test('a directory holding all three kinds of artifact: each event once', () => {
  const r = run(['analyze', FIXTURE, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(summaryOf(r.stdout), { summary: expected, recovery });
});

test('the same with a kept store, twice: the second run adds nothing', () => {
  const db = join(mkdtempSync(join(tmpdir(), 'vtcode-cli-')), 's.db');
  for (let i = 0; i < 2; i++) {
    const r = run(['analyze', FIXTURE, '--db', db, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(summaryOf(r.stdout).summary.records, 26);
  }
  const rows = run(['sql', '--db', db, 'SELECT count(*) AS n FROM error_logs', '--format', 'json']);
  assert.deepEqual(JSON.parse(rows.stdout), [{ n: 26 }]);
  // A retry outcome kept from a debug log/trajectory pair has the trajectory's error type (from its
  // last_error) as its cause; only session B's, which has no trajectory, has none.
  const outcomes = run(['sql', '--db', db, "SELECT provider, source FROM error_logs WHERE event IN ('recovered','failed') AND cause_type IS NULL", '--format', 'json']);
  const untyped = JSON.parse(outcomes.stdout) as Array<{ provider: string; source: string }>;
  assert.deepEqual(untyped.map((r) => [r.provider, r.source.replace(/^.*\//, '')]), [['anthropic', 'debug-session-other-20261120t150000z_654321-05151.log:5']]);
});

test('--vtcode finds exactly the files placed where VT Code keeps them', () => {
  const root = mkdtempSync(join(tmpdir(), 'vtcode-home-'));
  const state = join(root, 'state');
  cpSync(join(FIXTURE, 'sessions'), join(state, 'vtcode/sessions'), { recursive: true });
  cpSync(join(FIXTURE, 'workspace'), join(root, 'ws'), { recursive: true });
  const env = { HOME: join(root, 'home'), XDG_STATE_HOME: state, VT_SESSION_DIR: undefined };
  const r = run(['analyze', '--vtcode', '--workspace', join(root, 'ws'), '--format', 'json'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(summaryOf(r.stdout), { summary: expected, recovery });
  assert.match(r.stderr, new RegExp(`reading ${join(state, 'vtcode/sessions')}`));
  assert.match(r.stderr, new RegExp(`reading ${join(root, 'ws/.vtcode/logs')}`));
  // VT_SESSION_DIR wins over XDG_STATE_HOME.
  const elsewhere = mkdtempSync(join(tmpdir(), 'vtcode-sessions-'));
  const r2 = run(['analyze', '--vtcode', '--workspace', join(root, 'ws'), '--format', 'json'], { env: { ...env, VT_SESSION_DIR: elsewhere } });
  assert.equal(JSON.parse(r2.stdout).summary.files, readdirSync(join(root, 'ws/.vtcode/logs')).length);
});

test('no paths and no --vtcode: says what --vtcode would read, exit 2', () => {
  const root = mkdtempSync(join(tmpdir(), 'vtcode-none-'));
  const r = run(['analyze'], { env: { HOME: root, XDG_STATE_HOME: undefined, VT_SESSION_DIR: undefined }, cwd: root });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--vtcode/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
