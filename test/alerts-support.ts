// Helpers for test/config.test.ts and test/gen-alerts.test.ts: run the built CLI, temp dirs, promtool.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'vtcode-errors.js');

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the compiled CLI (bin/vtcode-errors.js -> dist/; `npm test` builds it first). */
export function cli(args: string[], cwd = ROOT): Result {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does) first');
  const env = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'DEBUG', 'NODE_OPTIONS']) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vtcode-errors-alerts-'));
}

/** Write `files` (name -> text) into a new temp dir and return it. */
export function withFiles(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Run promtool (it must be installed: .ci/run installs Debian's prometheus package). */
export function promtool(args: string[], cwd = ROOT): Result {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 300_000 });
  if (r.error) throw new Error(`promtool is needed by these tests (apt-get install prometheus): ${r.error.message}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
