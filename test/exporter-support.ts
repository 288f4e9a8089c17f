// Helpers for the exporter tests: start the real `serve` (and the real Prometheus server) on loopback,
// scrape, parse the exposition, and wait for a condition with every loop bounded in count and time.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { BIN } from './helpers.js';

/** A free TCP port on 127.0.0.1 (the kernel's pick, released for the caller). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Poll `check` every `everyMs` until it returns a value other than undefined, at most `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let i = 0; i < Math.ceil(timeoutMs / everyMs) + 1 && Date.now() <= deadline; i++) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Served {
  proc: ChildProcess;
  port: number;
  stderr: () => string;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, at once. */
  kill9(): Promise<void>;
}

/** Start `vtcode-errors serve ARGS --listen 127.0.0.1:0` and wait until it says where it listens. */
export async function startServe(args: string[], opts: { ready?: boolean; port?: number } = {}): Promise<Served> {
  const env = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'DEBUG', 'NODE_OPTIONS']) delete env[k];
  const proc = spawn(process.execPath, [BIN, 'serve', ...args, '--listen', `127.0.0.1:${opts.port ?? 0}`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const port = await waitFor(`serve to listen (stderr: ${stderr})`, () => {
    if (proc.exitCode !== null) throw new Error(`serve exited ${proc.exitCode}: ${stderr}`);
    const m = /serving http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(stderr);
    return m ? Number(m[1]) : undefined;
  }, 20_000, 50);
  const served: Served = {
    proc,
    port,
    stderr: () => stderr,
    stop: async () => {
      proc.kill('SIGTERM');
      return Promise.race([exited, sleep(20_000).then(() => (proc.kill('SIGKILL'), -1))]);
    },
    kill9: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
  };
  if (opts.ready !== false) await waitFor('serve to be ready', async () => ((await fetch(`http://127.0.0.1:${port}/-/ready`)).status === 200 ? true : undefined), 30_000, 50);
  return served;
}

export async function scrape(port: number, accept?: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: accept ? { accept } : {} });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The samples of a Prometheus text exposition: `name{labels}` (labels as written) -> value. */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([^\s{]+(?:\{.*\})?) (\S+)/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

/** The sum of the samples of `metric` whose labels include every `match` pair. */
export function sumOf(all: Map<string, number>, metric: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const [k, v] of all) {
    const name = k.split('{')[0];
    if (name !== metric) continue;
    if (Object.entries(match).every(([l, val]) => k.includes(`${l}="${val}"`))) total += v;
  }
  return total;
}
