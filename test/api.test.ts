// The library under the CLI (src/index.ts, the package's `exports`): the same answers in-process as
// the commands print.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, backtest, check, classify, defaultConfig, exportHistory, generateAlerts, ingest, lint, loadConfig, query, UserError } from '../src/index.js';
import { ROOT, run, tmpDir } from './helpers.js';

const EXAMPLES = join(ROOT, 'examples', 'logs');

test('analyze: the report analyze --format json prints, one-shot and from a store', async () => {
  const cli = JSON.parse(run(['analyze', EXAMPLES, '--format', 'json']).stdout);
  assert.deepEqual(JSON.parse(JSON.stringify(await analyze([EXAMPLES]))), cli);
  const db = join(tmpDir('vtce-api-'), 'store.db');
  const read = await ingest([EXAMPLES], db);
  assert.equal(read.records, cli.summary.records);
  assert.deepEqual(JSON.parse(JSON.stringify(await analyze([], { db }))), cli);
  const gemini = await analyze([EXAMPLES], { providers: ['Google Gemini'], since: '2026-11-20T14:00:00Z', until: '2026-11-20T15:00:00Z' });
  assert.deepEqual(gemini.summary.by_provider, [{ provider: 'gemini', errors: 45 }]);

  // The backtest of the store: what check prints in json.
  const result = backtest(db, loadConfig(join(ROOT, 'examples', 'vtcode-errors.yaml')));
  const checkJson = JSON.parse(run(['check', '--db', db, '--config', join(ROOT, 'examples', 'vtcode-errors.yaml'), '--format', 'json']).stdout);
  assert.equal(result.evaluations, checkJson.range.evaluations);
  assert.deepEqual(result.providers, checkJson.providers);
});

test('ingest, query, check, lint and exportHistory: what ingest, sql, check, lint and export print', async () => {
  const configPath = join(ROOT, 'examples', 'vtcode-errors.yaml');
  const config = loadConfig(configPath);
  const dir = tmpDir('vtce-api-');
  const db = join(dir, 'store.db');
  const cliDb = join(dir, 'cli.db');
  const cliIngest = JSON.parse(run(['ingest', EXAMPLES, '--db', cliDb, '--format', 'json']).stdout);
  const read = await ingest([EXAMPLES], db);
  assert.deepEqual({ files: read.files, added: read.rowsAdded, rows: read.rows, ignored: read.ignored, skipped: read.skipped }, {
    files: cliIngest.files, added: cliIngest.added, rows: cliIngest.rows, ignored: cliIngest.ignored, skipped: cliIngest.skipped,
  });
  assert.equal((await ingest([EXAMPLES], db)).rowsAdded, 0, 'a re-run adds nothing');

  const statement = 'SELECT provider, count(*) AS n FROM error_logs GROUP BY 1 ORDER BY 1';
  const q = query(db, statement);
  assert.deepEqual(q.columns, ['provider', 'n']);
  assert.deepEqual(q.rows, JSON.parse(run(['sql', '--db', cliDb, statement, '--format', 'json']).stdout));
  assert.throws(() => query(db, 'DELETE FROM error_logs'), (e: Error) => e instanceof UserError && /only a read-only SELECT/.test(e.message));

  const range = ['--since', '2026-11-20T00:00:00Z', '--until', '2026-11-21T00:00:00Z'];
  const cliCheck = JSON.parse(run(['check', EXAMPLES, '--config', configPath, '--format', 'json', ...range]).stdout);
  const c = await check([EXAMPLES], { config, since: '2026-11-20T00:00:00Z', until: '2026-11-21T00:00:00Z' });
  assert.ok(c && c.events > 0);
  assert.deepEqual(JSON.parse(JSON.stringify(c.report)), cliCheck);
  const fromStore = await check([], { db, config, since: '2026-11-20T00:00:00Z', until: '2026-11-21T00:00:00Z' });
  assert.equal(fromStore!.ingest, null);
  assert.deepEqual(fromStore!.report.alerts, c.report.alerts);

  assert.deepEqual(JSON.parse(JSON.stringify(lint(config))), JSON.parse(run(['lint', '--config', configPath, '--format', 'json']).stdout));

  const history = await exportHistory([EXAMPLES], { config, stepMs: 60_000 });
  assert.ok(history && history.series > 0);
  assert.equal([...history.text].join(''), run(['export', EXAMPLES, '--config', configPath, '--step', '1m']).stdout);
});

test('generateAlerts and classify: what gen-alerts writes, what ingest stores', () => {
  assert.equal(generateAlerts(defaultConfig()).text, readFileSync(join(ROOT, 'test', 'golden', 'alerts', 'default.rules.yml'), 'utf8'));
  const c = classify({ status: 429, body: null, messages: ['You exceeded your current quota, please check your plan and billing details.'] });
  assert.deepEqual(c, { errorType: 'rate_limit', subtype: 'quota_exhausted', retryable: 0 });
});

test('the package exports the library under its name (import "vtcode-errors")', () => {
  const code = `import { analyze } from 'vtcode-errors'; const r = await analyze([${JSON.stringify(EXAMPLES)}]); console.log(r.summary.records);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Number(r.stdout) > 100, r.stdout);
});
