// `serve`, the exporter, as a real process on loopback: what it serves, and what it keeps across
// restarts, rotations and bad input. (The alerts firing through a real Prometheus: prometheus.test.ts.)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, renameSync, truncateSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { tmpDir as tempDir } from './helpers.js';
import { samples, scrape, sleep, startServe, sumOf, waitFor, type Served } from './exporter-support.js';

const running: Served[] = [];
after(async () => {
  for (const s of running) if (s.proc.exitCode === null) await s.kill9();
});
async function serve(args: string[], opts?: { ready?: boolean }): Promise<Served> {
  const s = await startServe(args, opts);
  running.push(s);
  return s;
}

let clock = Date.parse('2026-12-01T10:00:00Z');
/** A flat error record (DESIGN.md §2), one second after the last. */
function event(provider: string, status: number | null, extra: Record<string, unknown> = {}): string {
  clock += 1000;
  const base: Record<string, unknown> = { timestamp: new Date(clock).toISOString(), level: 'ERROR', provider, error_message: status ? `http ${status}` : 'connection reset by peer' };
  if (status !== null) base.status_code = status;
  return `${JSON.stringify({ ...base, ...extra })}\n`;
}
const events = (n: number, provider: string, status: number | null) => Array.from({ length: n }, () => event(provider, status)).join('');

/** A config with a 1 s scrape interval: a new series is shown at 0 for 1 s before its first count. */
function configFile(dir: string, extra = ''): string {
  const path = join(dir, 'vtcode-errors.yaml');
  writeFileSync(path, `scrape_interval: 1s\nproviders: [gemini, anthropic, openai]\n${extra}`);
  return path;
}

async function values(port: number): Promise<Map<string, number>> {
  const r = await scrape(port);
  assert.equal(r.status, 200);
  return samples(r.text);
}

async function waitForValue(port: number, metric: string, match: Record<string, string>, want: number, timeoutMs = 20_000): Promise<Map<string, number>> {
  return waitFor(`${metric}${JSON.stringify(match)} = ${want}`, async () => {
    const v = await values(port);
    return sumOf(v, metric, match) === want ? v : undefined;
  }, timeoutMs, 100);
}

describe('serve', () => {
  it('serves the series of the logs, lint-clean, in Prometheus text and OpenMetrics, and only GET on its paths', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'logs', 'a.jsonl'), events(7, 'gemini', 429) + events(3, 'anthropic', 401) + event('openai', null, { status: 'recovered' }) + event('openai', 503, { status: 'failed' }) +
      `${JSON.stringify({ timestamp: '2026-12-01T11:00:00Z', level: 'WARN', message: 'Falling back to secondary provider', provider: 'gemini', fallback: 'openai' })}\nnot json\n`);
    const s = await serve(['logs', '--state', join(dir, 'state.db'), '--config', configFile(dir)].map((a) => (a === 'logs' ? join(dir, 'logs') : a)));
    const v = await values(s.port);
    assert.equal(sumOf(v, 'llm_errors_total'), 12);
    assert.equal(sumOf(v, 'llm_errors_total', { provider: 'gemini', error_type: 'rate_limit', status_code: '429' }), 7);
    assert.equal(sumOf(v, 'llm_rate_limits_total', { provider: 'gemini' }), 7);
    assert.equal(sumOf(v, 'llm_errors_total', { provider: 'anthropic', error_type: 'auth_error' }), 3);
    assert.equal(sumOf(v, 'llm_errors_recovered_total', { provider: 'openai' }), 1);
    assert.equal(sumOf(v, 'llm_errors_failed_total', { provider: 'openai' }), 1);
    assert.equal(sumOf(v, 'llm_fallback_triggered_total', { provider: 'gemini', fallback: 'openai' }), 1);
    // The configured providers exist at 0 for every error type before their first event.
    assert.equal(v.get('llm_errors_total{provider="openai",error_type="auth_error"}'), 0);
    assert.equal(v.get('vtcode_errors_records_skipped_total{reason="invalid JSON"}'), 1);
    assert.equal(v.get('vtcode_errors_files_followed'), 1);
    assert.equal(v.get('vtcode_errors_backlog_bytes'), 0);
    assert.equal(v.get('vtcode_errors_last_event_timestamp_seconds'), Date.parse('2026-12-01T11:00:00Z') / 1000);
    assert.ok((v.get('process_resident_memory_bytes') ?? 0) > 0, 'default process metrics');
    for (const flagged of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) assert.ok(![...v.keys()].some((k) => k.startsWith(flagged)), flagged);

    const text = (await scrape(s.port)).text;
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(lint.status, 0, `promtool check metrics: ${lint.stdout}${lint.stderr}`);
    assert.equal(`${lint.stdout}${lint.stderr}`.trim(), '');

    const om = await scrape(s.port, 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5');
    assert.match(om.type, /^application\/openmetrics-text; version=1\.0\.0/);
    assert.match(om.text, /^# TYPE llm_errors counter$/m);
    assert.match(om.text, /^llm_errors_total\{provider="gemini",error_type="rate_limit",status_code="429"\} 7$/m);
    assert.ok(om.text.endsWith('# EOF\n'));
    // And the text format is unchanged after an OpenMetrics scrape (prom-client renames what it collects).
    assert.equal(sumOf(await values(s.port), 'llm_errors_total'), 12);

    const base = `http://127.0.0.1:${s.port}`;
    assert.equal((await fetch(`${base}/-/healthy`)).status, 200);
    assert.equal((await fetch(`${base}/-/ready`)).status, 200);
    assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(`${base}/api/v1/query`)).status, 404);
    assert.equal(await s.stop(), 0);
  });

  it('history is no burst: a first start shows each series at its total at once; a new series appears at 0 before its first count', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.jsonl');
    writeFileSync(log, events(50, 'mistral', 429));
    const s = await serve([log, '--state', join(dir, 'state.db'), '--config', configFile(dir)]);
    const first = await values(s.port);
    assert.equal(sumOf(first, 'llm_rate_limits_total', { provider: 'mistral' }), 50, 'history shown at its total in the first scrape');
    appendFileSync(log, event('deepseek', 401));
    // The new series is served at 0 first...
    const key = 'llm_errors_total{provider="deepseek",error_type="auth_error",status_code="401"}';
    const firstSeen = await waitFor('the new series', async () => (await values(s.port)).get(key), 20_000, 50);
    assert.equal(firstSeen, 0);
    // ...and counts its event once a scrape has seen the 0 and a scrape interval (1 s) has passed.
    await waitForValue(s.port, 'llm_errors_total', { provider: 'deepseek', error_type: 'auth_error' }, 1);
    assert.equal(await s.stop(), 0);
  });

  it('kill -9 and SIGTERM lose nothing and count nothing twice: counters go on from where they stood', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.jsonl');
    writeFileSync(log, '');
    const state = join(dir, 'state.db');
    const config = configFile(dir);
    let written = 0;
    let s = await serve([log, '--state', state, '--config', config, '--poll-interval', '50ms']);
    // Append in bursts while serve reads, kill -9 it at three moments, restart it each time.
    for (let round = 0; round < 3; round++) {
      for (let burst = 0; burst < 20; burst++) {
        appendFileSync(log, events(25, 'openai', 500));
        written += 25;
        await sleep(5);
      }
      await s.kill9();
      s = await serve([log, '--state', state, '--config', config, '--poll-interval', '50ms']);
      const v = await values(s.port);
      // Served at once after the restart: never below what it had served (no reset).
      assert.ok(sumOf(v, 'llm_errors_total', { provider: 'openai' }) > 0);
    }
    appendFileSync(log, events(10, 'openai', 500));
    written += 10;
    await waitForValue(s.port, 'llm_errors_total', { provider: 'openai', error_type: 'server_error' }, written);
    await sleep(300);
    assert.equal(sumOf(await values(s.port), 'llm_errors_total', { provider: 'openai' }), written, 'nothing counted twice');
    assert.equal(await s.stop(), 0);
    assert.match(s.stderr(), /stopped; state saved/);
    s = await serve([log, '--state', state, '--config', config]);
    assert.equal(sumOf(await values(s.port), 'llm_errors_total', { provider: 'openai' }), written);
    assert.equal(await s.stop(), 0);
  });

  it('follows rotation: rename, copy-truncate, a rotated copy compressed with gzip counted once, new files from their first line', async () => {
    const dir = tempDir();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const log = join(logs, 'app.log');
    writeFileSync(log, events(5, 'gemini', 429));
    const s = await serve([logs, '--state', join(dir, 'state.db'), '--config', configFile(dir), '--poll-interval', '100ms']);
    const rl = (n: number) => waitForValue(s.port, 'llm_rate_limits_total', { provider: 'gemini' }, n);
    await rl(5);
    // Rename rotation: app.log -> app-1.log (still matched), a new app.log.
    appendFileSync(log, events(2, 'gemini', 429));
    renameSync(log, join(logs, 'app-1.log'));
    writeFileSync(log, events(3, 'gemini', 429));
    await rl(10);
    // The rotated file compressed (app-1.log.gz written, then app-1.log removed, as logrotate does).
    writeFileSync(join(logs, 'app-1.log.gz'), gzipSync(readFileSync(join(logs, 'app-1.log'))));
    await sleep(400);
    renameSync(join(logs, 'app-1.log'), join(dir, 'gone.log'));
    await sleep(400);
    // Copy-truncate: the content copied away (out of the watched directory), the file truncated and written anew.
    copyFileSync(log, join(dir, 'copy.log'));
    truncateSync(log, 0);
    appendFileSync(log, events(4, 'gemini', 429));
    await rl(14);
    // A new file in the watched directory, read from its first line.
    writeFileSync(join(logs, 'new.jsonl'), events(6, 'gemini', 429));
    await rl(20);
    await sleep(500);
    assert.equal(sumOf(await values(s.port), 'llm_rate_limits_total', { provider: 'gemini' }), 20, 'the gzip copy counted nothing again');
    assert.equal(await s.stop(), 0);
  });

  it('bounded cardinality: 10,000 provider names give at most max_providers + 1 providers; the rest are "other"', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.jsonl');
    writeFileSync(log, Array.from({ length: 10_000 }, (_, i) => event(`prov-${i}`, 500)).join(''));
    const s = await serve([log, '--state', join(dir, 'state.db'), '--config', configFile(dir, 'serve: { max_providers: 20 }\n')]);
    const v = await values(s.port);
    const providers = new Set([...v.keys()].filter((k) => k.startsWith('llm_')).map((k) => /provider="([^"]*)"/.exec(k)?.[1]));
    assert.equal(providers.size, 21); // gemini, anthropic, openai, 17 others, and "other"
    assert.equal(sumOf(v, 'llm_errors_total'), 10_000);
    assert.equal(sumOf(v, 'llm_errors_total', { provider: 'other' }), 10_000 - 17);
    assert.equal(v.get('vtcode_errors_provider_overflow_total'), 10_000 - 17);
    assert.ok([...v.keys()].filter((k) => k.startsWith('llm_')).length < 200, 'series count');
    assert.match(s.stderr(), /counted as "other"/);
    assert.equal(await s.stop(), 0);
  });

  it('--from-end counts only what is appended; a path that does not exist yet is logged, not fatal, and read once it appears', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.jsonl');
    writeFileSync(log, events(30, 'gemini', 429));
    const later = join(dir, 'later', 'b.jsonl');
    const s = await serve([log, join(dir, 'later'), '--state', join(dir, 'state.db'), '--config', configFile(dir), '--from-end', '--poll-interval', '100ms']);
    assert.equal(sumOf(await values(s.port), 'llm_rate_limits_total', { provider: 'gemini' }), 0);
    appendFileSync(log, events(2, 'gemini', 429));
    await waitForValue(s.port, 'llm_rate_limits_total', { provider: 'gemini' }, 2);
    mkdirSync(join(dir, 'later'));
    writeFileSync(later, events(3, 'gemini', 429));
    await waitForValue(s.port, 'llm_rate_limits_total', { provider: 'gemini' }, 5);
    assert.match(s.stderr(), /later: no such file or directory/);
    assert.equal(sumOf(await values(s.port), 'vtcode_errors_read_errors_total'), 1);
    assert.equal(await s.stop(), 0);
  });
});
