// Format files (README "Format files"): the field aliases, providers, classification markers and debug-log
// lines, as data in the package's formats/ directory, each kind with a JSON schema in formats/schema/.
// The built-in files are read once per thread, at load. `--formats DIR` adds a user's, validated; the
// modules that compile tables from them register with onFormats and compile again when files are added.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../model.js';
import { validate, type Schema } from './schema.js';

/** formats/ of the package: two levels up from src/formats/ and from dist/formats/ alike. */
export const FORMATS_DIR = fileURLToPath(new URL('../../formats/', import.meta.url));

/** A raw line (or a JSON record written as one line) and the fields of the row it must give; null: none. */
export interface Sample {
  why?: string;
  line?: string;
  record?: Record<string, unknown>;
  row: Record<string, unknown> | null;
}

export type FieldName =
  | 'time' | 'status' | 'message' | 'body' | 'provider' | 'model' | 'retries' | 'requestId' | 'errorType'
  | 'level' | 'event' | 'outcome' | 'target' | 'fallbackTo' | 'errorFields';
export type PhraseEvent = 'retry' | 'recovered' | 'failed' | 'fallback';
export interface FieldsFile {
  kind: 'fields';
  fields?: Partial<Record<FieldName, { names: string[] }>>;
  eventPhrases?: Array<{ phrase: string; event: PhraseEvent }>;
  samples?: Sample[];
}

export interface ProvidersFile {
  kind: 'providers';
  ids?: string[];
  labels?: Record<string, string>;
  hosts?: Array<{ host: string; id: string }>;
  models?: Array<{ pattern: string; id: string }>;
  samples?: Sample[];
}

export type CodeMeaning = 'throttled' | 'quota' | 'key' | 'permission' | 'server' | 'context' | 'content' | 'model' | 'invalid';
export interface CodeTable {
  keys: string[];
  suffix?: boolean;
  codes: Partial<Record<CodeMeaning, { codes: number[] }>>;
}
export type MarkerEntry = string | { literals: string[] } | { pattern: string } | { codes: CodeMeaning };
export interface MarkersFile {
  kind: 'markers';
  codeTables?: Record<string, CodeTable>;
  tables?: Record<string, { markers: MarkerEntry[] }>;
  samples?: Sample[];
}

export type MessageMatch = { equals: string } | { endsWith: string };
interface LineBase {
  message: MessageMatch;
  when?: Record<string, string>;
}
export type DebugLine =
  | (LineBase & { read: 'http_error'; fields: { provider: string; status: string; body: string } })
  | (LineBase & { read: 'retry'; fields: { error: string; category: string; retryable: string; attempt: string; maxRetries: string } })
  | (LineBase & { read: 'retry_outcome'; numbers: string[]; booleans: string[]; strings: string[]; required: string[] });
export interface DebugLinesFile {
  kind: 'debug-lines';
  lines?: DebugLine[];
  samples?: Sample[];
}

export type FormatFile = FieldsFile | ProvidersFile | MarkersFile | DebugLinesFile;
export type FormatKind = FormatFile['kind'];
type FileOf<K extends FormatKind> = Extract<FormatFile, { kind: K }>;
export const FORMAT_KINDS: readonly FormatKind[] = ['fields', 'providers', 'markers', 'debug-lines'];

/** The `*.json` format files of a directory, in name order (schemas beside them are no format files). */
export const formatFileNames = (dir: string): string[] =>
  readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json')).sort();

// Built-in files are checked by test/formats.test.ts, not here: loading stays one read and one parse each.
const builtIn: FormatFile[] = formatFileNames(FORMATS_DIR).map((f) => JSON.parse(readFileSync(join(FORMATS_DIR, f), 'utf8')));
let added: FormatFile[] = [];
const compilers: Array<() => void> = [];

/** Every file of one kind: the built-in ones first, then those added. */
export function formatFiles<K extends FormatKind>(kind: K): Array<FileOf<K>> {
  return [...builtIn, ...added].filter((f): f is FileOf<K> => f.kind === kind);
}

/** Run `compile` now, and again whenever format files are added. */
export function onFormats(compile: () => void): void {
  compilers.push(compile);
  compile();
}

/** Add checked format files (readFormats) to the built-in ones; the worker threads get them too (pool.ts). */
export function addFormats(files: FormatFile[]): void {
  if (files.length === 0) return;
  added = [...added, ...files];
  for (const compile of compilers) compile();
}

/** The files added to the built-in ones, for a worker thread to add in its turn. */
export const addedFormats = (): FormatFile[] => added;

/** The format files of `dir`, each checked (checkFormat); a bad one is a UserError naming file and key. */
export function readFormats(dir: string): FormatFile[] {
  let names: string[];
  try {
    names = formatFileNames(dir);
  } catch (err) {
    throw new UserError(`--formats ${dir}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (err as Error).message}`);
  }
  if (names.length === 0) throw new UserError(`--formats ${dir}: no format files (*.json) in it`);
  return names.map((name) => {
    const file = join(dir, name);
    const text = readFileSync(file, 'utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new UserError(`${file}: ${jsonErrorAt(text, (err as Error).message)}`);
    }
    return checkFormat(value, file);
  });
}

const schemas = new Map<FormatKind, Schema>();
/** The JSON schema of a kind of format file (formats/schema/KIND.schema.json). */
export function formatSchema(kind: FormatKind): Schema {
  let s = schemas.get(kind);
  if (!s) schemas.set(kind, (s = JSON.parse(readFileSync(join(FORMATS_DIR, 'schema', `${kind}.schema.json`), 'utf8')) as Schema));
  return s;
}

/** `value` as a format file: valid against its kind's schema, its regular expressions compiling. */
export function checkFormat(value: unknown, file: string): FormatFile {
  const fail = (path: string, message: string) => new UserError(`${file}: ${path}: ${message}`);
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (!FORMAT_KINDS.includes(kind as FormatKind)) {
    throw fail('/kind', `must be one of ${FORMAT_KINDS.map((k) => JSON.stringify(k)).join(', ')}`);
  }
  const error = validate(value, formatSchema(kind as FormatKind));
  if (error) throw fail(error.path, error.message);
  const f = value as FormatFile;
  // A pattern must compile, and must not match every text (an empty match would).
  const pattern = (path: string, source: string, flags: string) => {
    let re: RegExp;
    try {
      re = new RegExp(source, flags);
    } catch (err) {
      throw fail(path, `not a regular expression (${(err as Error).message})`);
    }
    if (re.test('')) throw fail(path, 'matches an empty text, so it would match every text');
  };
  if (f.kind === 'providers') f.models?.forEach((m, i) => pattern(`/models/${i}/pattern`, m.pattern, 'i'));
  if (f.kind === 'markers') {
    for (const [name, table] of Object.entries(f.tables ?? {})) {
      table.markers.forEach((m, i) => {
        if (typeof m === 'object' && 'pattern' in m) pattern(`/tables/${name}/markers/${i}/pattern`, m.pattern, '');
      });
    }
  }
  return f;
}

/** A JSON.parse error as `line N: ...`, from the position V8 gives. */
function jsonErrorAt(text: string, message: string): string {
  const at = /at position (\d+)/.exec(message);
  const what = message.replace(/ in JSON at position \d+.*$/s, '').replace(/^JSON Parse error: /, '');
  if (!at) return `not JSON (${what})`;
  const line = text.slice(0, Number(at[1])).split('\n').length;
  return `line ${line}: not JSON (${what})`;
}
