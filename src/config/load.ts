// Reading vtcode-errors.yaml: the one config behind gen-alerts, gen-dashboard and check (DESIGN.md §6).
import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { UserError } from '../model.js';
import { defaultConfig, type Config } from './types.js';
import { validateDocument, type ConfigIssue } from './validate.js';

export const DEFAULT_CONFIG_PATH = 'vtcode-errors.yaml';

/** A config that does not load: every problem found, one per line, each naming its key and line. */
export class ConfigError extends UserError {
  readonly issues: ConfigIssue[];
  constructor(readonly file: string, issues: ConfigIssue[]) {
    const sorted = [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    super(sorted.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message} (${i.line === null ? file : `${file}:${i.line}`})`).join('\n'));
    this.name = 'ConfigError';
    this.issues = sorted;
  }
}

/**
 * The config at `path`; with no path, `./vtcode-errors.yaml` when present, else the built-in defaults.
 * A missing or unreadable file, invalid YAML or an invalid value is a UserError (exit 2).
 */
export function loadConfig(path?: string): Config {
  if (path === undefined) {
    if (!existsSync(DEFAULT_CONFIG_PATH)) return defaultConfig();
    path = DEFAULT_CONFIG_PATH;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? err);
    throw new UserError(`cannot read config ${path}: ${why}`);
  }
  return parseConfig(text, path);
}

/** Parse and validate config text; `file` names it in messages (and becomes Config.source). */
export function parseConfig(text: string, file: string): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, uniqueKeys: true, prettyErrors: true, strict: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: '', message: `invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, line: e.linePos?.[0].line ?? null })),
    );
  }
  const { config, issues } = validateDocument(doc, lineCounter, file);
  if (issues.length > 0) throw new ConfigError(file, issues);
  return config;
}
