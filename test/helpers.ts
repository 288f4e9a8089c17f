// Shared helpers for the end-to-end tests: run the real CLI (bin/vtcode-errors.js, i.e. the compiled
// dist/), write fixture files into temp dirs, open the SQLite store the CLI wrote.
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import type { AnalysisReport } from '../src/analyses/report.js';
// (The modules src/index.ts exports them from: a test file loads only what it calls.)
import { analyzeLogs, type AnalyzeOptions } from '../src/analyses/run.js';
import { ingestInto as ingest, type StoreIngest } from '../src/ingest/run.js';
import { ROW_SQL } from '../src/store/packed.js';
import type { Row as ModelRow } from '../src/model.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'vtcode-errors.js');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  input?: string | Buffer;
  env?: Record<string, string | undefined>;
}

/** A clean environment for the CLI: no colour forcing, no debug, no inherited NO_COLOR. */
function cliEnv(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'DEBUG', 'NODE_OPTIONS', 'TZ']) delete env[k];
  env.TZ = 'Asia/Kolkata'; // a non-UTC local zone: anything that leaks local time shows up
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Run the CLI synchronously: `run(['analyze', dir, '--format', 'json'])`. */
export function run(args: string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    env: cliEnv(opts.env),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Run the CLI asynchronously (for concurrent processes). */
export function runAsync(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: cliEnv(opts.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Run and insist on exit 0; returns stdout. */
export function ok(args: string[], opts: RunOptions = {}): string {
  const r = run(args, opts);
  if (r.code !== 0) throw new Error(`vtcode-errors ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 2000)}`);
  return r.stdout;
}

/** `analyze ... --format json`, parsed. */
export function analyzeJson(args: string[], opts: RunOptions = {}): AnalyzeReport {
  return JSON.parse(ok(['analyze', ...args, '--format', 'json'], opts)) as AnalyzeReport;
}

/** `sql --db DB "..." --format json`, parsed. */
export function sqlJson<T = Record<string, unknown>>(db: string, statement: string): T[] {
  return JSON.parse(ok(['sql', '--db', db, statement, '--format', 'json'])) as T[];
}

/** `analyze --format json` (DESIGN.md §5); keys may be added. */
export type AnalyzeReport = Omit<AnalysisReport, 'actions'> & { [key: string]: unknown };

/** One stored row of error_logs (DESIGN.md §4). */
export type Row = Omit<ModelRow, 'dedup'> & { id: number };

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp dir, removed when the test process exits. */
export function tmpDir(prefix = 'vtce-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

export type Content = string | Buffer | object[];

/** JSON Lines text from records (objects are JSON-encoded, strings kept as they are). */
export function jsonl(records: Array<object | string>): string {
  return records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
}

/** Write `content` at dir/rel (parents created); an array of records is written as JSON Lines. */
export function writeFixture(dir: string, rel: string, content: Content): string {
  const path = join(dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Array.isArray(content) ? jsonl(content) : content);
  return path;
}

/** Write several fixtures at once; returns their paths by name. */
export function writeFixtures(dir: string, files: Record<string, Content>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rel, content] of Object.entries(files)) out[rel] = writeFixture(dir, rel, content);
  return out;
}

/** Open a store the CLI wrote (read-only unless asked). Close it when done. */
export function openDb(path: string, readonly = true): Database.Database {
  return new Database(path, { readonly, fileMustExist: true });
}

/** All rows of error_logs in a store, in id order. */
export function allRows(dbPath: string): Row[] {
  const db = openDb(dbPath);
  try {
    return db.prepare(`SELECT id, ${ROW_SQL} FROM error_logs ORDER BY id`).all() as Row[];
  } finally {
    db.close();
  }
}

export function countRows(dbPath: string, where = '1'): number {
  const db = openDb(dbPath);
  try {
    return db.prepare(`SELECT count(*) FROM error_logs WHERE ${where}`).pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Ingest `paths` into a new store in a temp dir; returns the db path. */
export function ingestTo(paths: string[], db = join(tmpDir(), 'store.db')): string {
  ok(['ingest', ...paths, '--db', db, '--format', 'json']);
  return db;
}

// In-process, through the library the commands call (src/index.ts): for tests of behaviour, which need
// no process of their own. Like ok(), a run with a file that could not be read fails the test.

/** The library's ingest into `db` (a new store in a temp dir by default). */
export async function ingestApi(paths: string[], db = join(tmpDir(), 'store.db')): Promise<StoreIngest & { db: string }> {
  const r = await ingest(paths, db);
  assert.deepEqual(r.problems, [], 'no file failed');
  return { ...r, db };
}

/** The library's analyses: the report `analyze --format json` prints. */
export async function analyzeApi(paths: string[], opts: AnalyzeOptions = {}): Promise<AnalyzeReport> {
  const a = await analyzeLogs(paths, opts);
  assert.ok(a, 'not interrupted');
  assert.deepEqual(a.ingest?.problems ?? [], [], 'no file failed');
  return JSON.parse(JSON.stringify(a.report)) as AnalyzeReport;
}

/** The rows of `paths`, ingested in-process into a new store. */
export async function rowsFrom(paths: string[]): Promise<Row[]> {
  return allRows((await ingestApi(paths)).db);
}

/** Write records to one JSON Lines file, ingest it in-process, return its rows. */
export async function rowsOf(records: Array<object | string>, name = 'log.jsonl'): Promise<Row[]> {
  return rowsFrom([writeFixture(tmpDir(), name, jsonl(records))]);
}

/** Write records to one JSON Lines file, ingest it, return its rows. */
export function rowsFor(records: Array<object | string>, name = 'log.jsonl'): Row[] {
  const dir = tmpDir();
  const file = writeFixture(dir, name, jsonl(records));
  return allRows(ingestTo([file]));
}

// ESC, CSI or OSC: any terminal escape sequence.
export const ESCAPE = /\u001b/;

/** Epoch milliseconds of a UTC date-time, for writing fixtures. */
export const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0) => Date.UTC(y, mo - 1, d, h, mi, s, ms);
