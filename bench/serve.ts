// `npm run bench:serve`: the exporter's costs, measured on a real `serve` process from outside:
// - following a file that grows by 2,000 lines a second (the bench corpus' mix of lines): CPU as a share
//   of one core and RSS, over the last 20 s of 30 (steady state);
// - the time a scrape takes with 50 providers' series (median and worst of 50 scrapes);
// - reading a backlog of 200,000 lines until /-/ready, next to `ingest --db` on the same file.
// Numbers, not assertions. Loopback only; every loop bounded.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { line, rng } from './generate.js';

const dir = mkdtempSync(join(tmpdir(), 'vtcode-errors-bench-serve-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const port = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
function usage(pid: number): { cpuSeconds: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1];
  return { cpuSeconds: (Number(stat[11]) + Number(stat[12])) / TICK, rssMb: Number(rss) / 1024 };
}

async function serve(args: string[]): Promise<{ pid: number; port: number; stop: () => void; readyMs: number }> {
  const p = await port();
  const t0 = Date.now();
  const child = spawn(process.execPath, ['bin/vtcode-errors.js', 'serve', ...args, '--listen', `127.0.0.1:${p}`, '--quiet'], { stdio: 'ignore' });
  for (let i = 0; i < 6000; i++) {
    const ok = await fetch(`http://127.0.0.1:${p}/-/ready`).then((r) => r.status === 200, () => false);
    if (ok) return { pid: child.pid!, port: p, stop: () => child.kill('SIGTERM'), readyMs: Date.now() - t0 };
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error('serve did not become ready');
}

const results: Record<string, unknown> = {};

// 1. Following 2,000 lines a second.
{
  const log = join(dir, 'follow.jsonl');
  writeFileSync(log, '');
  const s = await serve([log, '--state', join(dir, 'follow.db')]);
  const r = rng(7);
  let i = 0;
  let start: ReturnType<typeof usage> | null = null;
  const t0 = Date.now();
  let rssMax = 0;
  for (let second = 0; second < 30; second++) {
    // 2,000 lines a second, in 10 writes.
    for (let k = 0; k < 10; k++) {
      const lines: string[] = [];
      for (let j = 0; j < 200; j++) lines.push(line(i++, r));
      appendFileSync(log, `${lines.join('\n')}\n`);
      await sleep(100);
    }
    if (second === 9) start = usage(s.pid);
    if (second >= 10) rssMax = Math.max(rssMax, usage(s.pid).rssMb);
  }
  const end = usage(s.pid);
  const seconds = (Date.now() - t0) / 1000;
  results.follow = {
    lines_per_second: Math.round(i / seconds),
    cpu_share_of_one_core: +((end.cpuSeconds - start!.cpuSeconds) / 20).toFixed(3),
    rss_mb_max: Math.round(rssMax),
  };
  s.stop();
}

// 2. A scrape with 50 providers: every error type and a few statuses each.
{
  const log = join(dir, 'providers.jsonl');
  const out: string[] = [];
  const types: Array<[number | null, string]> = [[429, 'rate limit'], [401, 'invalid api key'], [503, 'unavailable'], [400, 'bad request'], [null, 'connection reset'], [null, 'failed to parse'], [500, 'internal']];
  for (let p = 0; p < 50; p++) {
    for (const [status, msg] of types) out.push(JSON.stringify({ timestamp: '2026-12-01T10:00:00Z', provider: `provider-${p}`, level: 'ERROR', status_code: status, error_message: msg }));
    out.push(JSON.stringify({ timestamp: '2026-12-01T10:00:01Z', provider: `provider-${p}`, message: 'Successfully recovered from error' }));
  }
  writeFileSync(log, `${out.join('\n')}\n`);
  const s = await serve([log, '--state', join(dir, 'providers.db')]);
  const times: number[] = [];
  let bytes = 0;
  for (let k = 0; k < 50; k++) {
    const t = performance.now();
    bytes = (await (await fetch(`http://127.0.0.1:${s.port}/metrics`)).text()).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  results.scrape_50_providers = { median_ms: +times[25].toFixed(1), max_ms: +times[49].toFixed(1), bytes };
  s.stop();
}

// 3. A backlog of 200,000 lines: time to ready, next to ingest --db.
{
  const log = join(dir, 'backlog.jsonl');
  const r = rng(11);
  const lines: string[] = [];
  for (let i = 0; i < 200_000; i++) lines.push(line(i, r));
  writeFileSync(log, `${lines.join('\n')}\n`);
  const s = await serve([log, '--state', join(dir, 'backlog.db')]);
  s.stop();
  const t = Date.now();
  spawnSync(process.execPath, ['bin/vtcode-errors.js', 'ingest', log, '--db', join(dir, 'ingest.db'), '--quiet']);
  results.backlog_200k_lines = { serve_ready_seconds: s.readyMs / 1000, ingest_db_seconds: (Date.now() - t) / 1000 };
}

await sleep(500);
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(results, null, 2));
writeFileSync('bench/serve-results.json', `${JSON.stringify(results, null, 2)}\n`);
