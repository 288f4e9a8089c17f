// End to end with the real Prometheus server (Debian's prometheus package, which .ci/run installs):
// `serve` scraped every second, the generated rules evaluated every second, assertions through
// Prometheus' HTTP API; and `export` backfilled with promtool, then queried. Loopback only; every
// wait bounded in count and time.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { exportHistory } from '../src/exporter/history.js';
import { query as sqlQuery } from '../src/store/query.js';
import { analyzeApi, ingestApi, ROOT, tmpDir } from './helpers.js';
import { freePort, sleep, startServe, waitFor, type Served } from './exporter-support.js';

const children: ChildProcess[] = [];
const served: Served[] = [];
after(async () => {
  for (const s of served) if (s.proc.exitCode === null) await s.kill9();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'vtcode-errors.js'), ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  assert.equal(r.status, 0, `vtcode-errors ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Start Prometheus on a free loopback port with its own storage; resolves once it answers. */
async function startPrometheus(dir: string, config: string, extra: string[] = []): Promise<string> {
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const proc = spawn('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn', ...extra,
  ], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  children.push(proc);
  const base = `http://127.0.0.1:${port}`;
  await waitFor('Prometheus to be ready', async () => {
    if (proc.exitCode !== null) throw new Error(`prometheus exited ${proc.exitCode}: ${stderr}`);
    return (await fetch(`${base}/-/ready`)).status === 200 ? true : undefined;
  }, 60_000, 200);
  return base;
}

type Vector = Array<{ metric: Record<string, string>; value: [number, string] }>;

async function query(base: string, q: string, time?: number): Promise<Vector> {
  const url = `${base}/api/v1/query?query=${encodeURIComponent(q)}${time !== undefined ? `&time=${time}` : ''}`;
  const body = (await (await fetch(url)).json()) as { status: string; data: { result: Vector }; error?: string };
  assert.equal(body.status, 'success', `${q}: ${body.error}`);
  return body.data.result;
}
const scalar = async (base: string, q: string): Promise<number | null> => {
  const v = await query(base, q);
  return v.length ? Number(v[0].value[1]) : null;
};

interface Alert { labels: Record<string, string>; annotations: Record<string, string>; state: string }
async function alerts(base: string): Promise<Alert[]> {
  const body = (await (await fetch(`${base}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
  return body.data.alerts;
}

let clock = Date.parse('2026-12-01T08:00:00Z');
function event(provider: string, status: number | null): string {
  clock += 1000;
  const r: Record<string, unknown> = { timestamp: new Date(clock).toISOString(), level: 'ERROR', provider, error_message: status ? `http ${status}` : 'error sending request: connection reset' };
  if (status !== null) r.status_code = status;
  return `${JSON.stringify(r)}\n`;
}
const events = (n: number, provider: string, status: number | null) => Array.from({ length: n }, () => event(provider, status)).join('');

// Low thresholds, short windows, evaluated every second: what the test appends decides every alert.
const CONFIG = `evaluation_interval: 1s
scrape_interval: 1s
providers: [gemini, anthropic, openai]
alerts:
  high_error_rate: { enabled: false }
  rate_limit_exceeded: { threshold: 3, window: 10s, for: 0s }
  provider_unavailable: { threshold: 3, window: 10s, for: 0s }
  auth_failures: { threshold: 0, window: 10s, for: 0s }
  low_recovery_rate: { enabled: false }
  fallback_storm: { enabled: false }
  circuit_breaker_rejecting: { enabled: false }
`;

describe('with the real Prometheus server', () => {
  it('the generated alerts fire on what serve exports, for the right provider; history is no burst; kill -9 loses and doubles nothing', async () => {
    const dir = tmpDir();
    mkdirSync(join(dir, 'logs'));
    const log = join(dir, 'logs', 'app.jsonl');
    // History: 200 rate limits of mistral, written before serve ever ran.
    writeFileSync(log, events(200, 'mistral', 429));
    writeFileSync(join(dir, 'vtcode-errors.yaml'), CONFIG);
    cli(['gen-alerts', '--config', join(dir, 'vtcode-errors.yaml'), '--out', join(dir, 'rules.yml')]);
    const servePort = await freePort();
    const serveArgs = [join(dir, 'logs'), '--state', join(dir, 'state.db'), '--config', join(dir, 'vtcode-errors.yaml'), '--poll-interval', '200ms'];
    let s = await startServe(serveArgs, { port: servePort });
    served.push(s);
    const prom = await startPrometheus(dir, `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: [${join(dir, 'rules.yml')}]\nscrape_configs:\n  - job_name: vtcode-errors\n    static_configs: [{ targets: ['127.0.0.1:${servePort}'] }]\n`);
    await waitFor('the first scrapes', async () => ((await scalar(prom, 'count_over_time(up{job="vtcode-errors"}[1m])')) ?? 0) >= 3 ? true : undefined, 30_000, 250);

    // History is no burst: the 200 are there, and increase() sees none of them.
    assert.equal(await scalar(prom, 'sum(llm_rate_limits_total{provider="mistral"})'), 200);
    assert.equal(await scalar(prom, 'sum(increase(llm_rate_limits_total{provider="mistral"}[10s]))'), 0);

    // A provider's first auth error (a provider never seen before), a rate-limit storm, a 5xx storm.
    appendFileSync(log, event('deepseek', 401) + events(6, 'gemini', 429) + events(6, 'openai', 503));
    const firing = await waitFor('the three alerts to fire', async () => {
      const a = (await alerts(prom)).filter((x) => x.state === 'firing');
      const has = (name: string, provider: string) => a.some((x) => x.labels.alertname === name && x.labels.provider === provider);
      return has('LLMAuthFailures', 'deepseek') && has('RateLimitExceeded', 'gemini') && has('ProviderUnavailable', 'openai') ? a : undefined;
    }, 60_000, 250);
    const auth = firing.find((x) => x.labels.alertname === 'LLMAuthFailures')!;
    assert.equal(auth.labels.severity, 'warning');
    assert.equal(auth.annotations.summary, 'LLM authentication failures on deepseek');
    // (The value is increase() over 10 s: one event, extrapolated by Prometheus to the window's edges.)
    assert.match(auth.annotations.description, /^deepseek rejected [\d.]+ requests as unauthenticated in the last 10s \(threshold: 0\)/);
    const rl = firing.find((x) => x.labels.alertname === 'RateLimitExceeded')!;
    assert.equal(rl.annotations.summary, 'LLM rate limits exceeded on gemini');
    assert.equal(firing.find((x) => x.labels.alertname === 'ProviderUnavailable')!.labels.severity, 'critical');

    // kill -9 mid-stream: events before, while down and after; then a restart on the same port.
    const before = Date.now();
    appendFileSync(log, events(4, 'xai', null));
    await sleep(1500);
    await s.kill9();
    appendFileSync(log, events(3, 'xai', null));
    await sleep(2500);
    s = await startServe(serveArgs, { port: servePort, ready: false });
    served.push(s);
    appendFileSync(log, events(3, 'xai', null));
    await waitFor('xai at 10 in Prometheus', async () => ((await scalar(prom, 'sum(llm_errors_total{provider="xai"})')) === 10 ? true : undefined), 30_000, 250);
    await sleep(2500);
    const span = Math.ceil((Date.now() - before) / 1000) + 5;
    assert.equal(await scalar(prom, `sum(resets(llm_errors_total{provider="xai"}[${span}s]))`), 0, 'a reset across the restart');
    assert.equal(await scalar(prom, `sum(resets(llm_rate_limits_total[${span}s]))`), 0);
    // increase() over the restart: the 10 events, plus Prometheus' own extrapolation to the end of the
    // range (at most one scrape interval, 1 s, over a sampled span of more than ten): within 10 and 11.5.
    const inc = (await scalar(prom, `sum(increase(llm_errors_total{provider="xai"}[${span}s]))`))!;
    assert.ok(inc >= 10 && inc <= 11.5, `increase over the restart: ${inc}`);
    // Nothing fired that the events did not call for: no alert for mistral (its history), anthropic (no errors) or xai.
    const all = await alerts(prom);
    assert.deepEqual(all.filter((a) => ['mistral', 'anthropic', 'xai'].includes(a.labels.provider)), []);
    assert.equal(await scalar(prom, 'count(ALERTS{provider=~"mistral|anthropic|xai"})'), null);
    assert.equal(await s.stop(), 0);
  });

  it('export, backfilled with promtool tsdb create-blocks-from openmetrics, gives the counts of analyze', async () => {
    const dir = tmpDir();
    const om = join(dir, 'history.om');
    const logs = join(ROOT, 'examples', 'logs');
    // export, ingest, sql and analyze in-process: the library functions the commands call.
    const history = await exportHistory([logs], { stepMs: 15_000 });
    assert.ok(history);
    writeFileSync(om, [...history.text].join(''));
    const blocks = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, join(dir, 'data')], { encoding: 'utf8', timeout: 300_000 });
    assert.equal(blocks.status, 0, `${blocks.stdout}${blocks.stderr}`);
    let lastSample = 0;
    for (const l of readFileSync(om, 'utf8').split('\n')) if (l.startsWith('llm_errors_total')) lastSample = Math.max(lastSample, Number(l.split(' ').pop()));

    // The store's own count of error rows by provider and error type (the rows analyze counts).
    const db = join(dir, 'store.db');
    await ingestApi([logs], db);
    const rows = sqlQuery(db, "SELECT provider, coalesce(error_type, 'unknown') AS error_type, count(*) AS n FROM error_logs WHERE event = 'error' GROUP BY 1, 2").rows as Array<{ provider: string; error_type: string; n: number }>;
    const analyze = await analyzeApi([logs]);
    assert.equal(rows.reduce((a, r) => a + r.n, 0), analyze.summary.errors);

    const prom = await startPrometheus(dir, 'global:\n  scrape_interval: 15s\n', ['--storage.tsdb.retention.time=100y']);
    const got = await waitFor('the backfilled blocks', async () => {
      const v = await query(prom, 'sum by (provider, error_type) (llm_errors_total)', lastSample);
      return v.length > 0 ? v : undefined;
    }, 30_000, 250);
    const fromPrometheus = Object.fromEntries(got.map((v) => [`${v.metric.provider}/${v.metric.error_type}`, Number(v.value[1])]));
    const fromRows = Object.fromEntries(rows.map((r) => [`${r.provider}/${r.error_type}`, r.n]));
    assert.deepEqual(fromPrometheus, fromRows);
    const byProvider = await query(prom, 'sum by (provider) (llm_errors_total)', lastSample);
    assert.deepEqual(
      Object.fromEntries(byProvider.map((v) => [v.metric.provider, Number(v.value[1])])),
      Object.fromEntries(analyze.summary.by_provider.map((p) => [p.provider, p.errors])),
    );
    // The history starts at 0, so increase() over it is every event.
    const total = await query(prom, `sum(increase(llm_errors_total[30d]))`, lastSample);
    assert.ok(Number(total[0].value[1]) >= analyze.summary.errors, 'increase over the backfill');
  });
});
