// Drift (issue 7): regenerate the rules and dashboards from the config and compare them with the files
// deployed. Each file is `ok`, `stale` (with the first differing lines, as a small unified-diff excerpt)
// or `missing`. Formats are detected from the files' content, as the user generated them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Config } from '../config/types.js';
import { dashboardFiles } from '../generate/provisioning.js';
import { generateAlerts, type RulesFormat } from '../generate/rules-file.js';
import { UserError } from '../model.js';

export type DriftStatus = 'ok' | 'stale' | 'missing';

export interface DriftEntry {
  /** The file as named on the command line (a --dashboards file is DIR/<name>). */
  file: string;
  kind: 'rules' | 'dashboard' | 'provisioning';
  status: DriftStatus;
  /** The first line (1-based) where the file differs from what the config generates; null unless stale. */
  line: number | null;
  /** The first differing lines as a unified-diff excerpt (`-` on disk, `+` generated); [] unless stale. */
  diff: string[];
  /** What to do about it. */
  note: string;
}

/** Read a file as text, or null when it does not exist. Other failures (a directory, no permission) are input errors. */
function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new UserError(`${path}: cannot read (${code === 'EISDIR' ? 'is a directory' : (code ?? String(err))})`);
  }
}

/** Line endings are not content: a CRLF checkout of a generated file is still current. */
const normalize = (text: string) => text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');

/** The rules format a file was written in: a PrometheusRule resource, or a plain rule file. */
export function rulesFormatOf(text: string): RulesFormat {
  return /^kind:\s*["']?PrometheusRule\b/m.test(text) ? 'prometheusrule' : 'rules';
}

/** Whether a dashboard file is the HTTP API shape (`{"dashboard": ..., "overwrite": true}`) of --wrap. */
export function isWrappedDashboard(text: string): boolean {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { dashboard?: unknown }).dashboard === 'object' && (v as { dashboard?: unknown }).dashboard !== null;
  } catch {
    return /^\s*\{\s*"dashboard"\s*:/.test(text);
  }
}

/** Compare one file's text (or null: missing) with the generated text. */
export function compareText(file: string, kind: DriftEntry['kind'], actual: string | null, expected: string, regenerate: string): DriftEntry {
  if (actual === null) return { file, kind, status: 'missing', line: null, diff: [], note: `${file} does not exist; ${regenerate}` };
  const a = normalize(actual);
  const e = normalize(expected);
  if (a === e) return { file, kind, status: 'ok', line: null, diff: [], note: '' };
  const { line, lines } = diffExcerpt(a, e, file);
  return { file, kind, status: 'stale', line, diff: lines, note: `${file} differs from what the config generates (first at line ${line}); ${regenerate}` };
}

/**
 * The first difference between `actual` (on disk) and `expected` (generated) as a unified-diff hunk:
 * up to `context` lines before it, then at most `max` removed and `max` added lines.
 */
export function diffExcerpt(actual: string, expected: string, file: string, context = 2, max = 6): { line: number; lines: string[] } {
  const a = actual.split('\n');
  const e = expected.split('\n');
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  // Lines both share at the end, so that an edit in the middle shows only what changed.
  let s = 0;
  while (s < a.length - i && s < e.length - i && a[a.length - 1 - s] === e[e.length - 1 - s]) s++;
  const removed = a.slice(i, a.length - s);
  const added = e.slice(i, e.length - s);
  const before = a.slice(Math.max(0, i - context), i);
  const shownRemoved = removed.slice(0, max);
  const shownAdded = added.slice(0, max);
  const after = removed.length <= max && added.length <= max ? a.slice(a.length - s, a.length - s + context) : [];
  const from = i - before.length + 1;
  const lines = [
    `--- ${file}`,
    '+++ generated from the config',
    `@@ -${from},${before.length + shownRemoved.length + after.length} +${from},${before.length + shownAdded.length + after.length} @@`,
    ...before.map((l) => ` ${l}`),
    ...shownRemoved.map((l) => `-${l}`),
    ...(removed.length > max ? [`  ... ${removed.length - max} more lines on disk`] : []),
    ...shownAdded.map((l) => `+${l}`),
    ...(added.length > max ? [`  ... ${added.length - max} more lines generated`] : []),
    ...after.map((l) => ` ${l}`),
  ];
  return { line: Math.min(i + 1, Math.max(a.length, 1)), lines };
}

/** The options of `check` that shaped the expected files, as given, to repeat in the fix-it command. */
export interface Given {
  config?: string;
  templates?: string;
  provisioningPath?: string;
}

const shellArg = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/** `run: vtcode-errors <command> <options>`, every option that shapes the file repeated. */
function fixIt(command: string, options: Array<[string, string | boolean | undefined]>): string {
  const args = options.flatMap(([flag, v]) => (v === undefined || v === false ? [] : v === true ? [flag] : [flag, shellArg(v)]));
  return `run: vtcode-errors ${command} ${args.join(' ')}`;
}

/** `--rules F`: regenerate the rules (in the file's own format) and compare. */
export function checkRules(config: Config, file: string, opts: { templatesDir?: string; given?: Given } = {}): DriftEntry {
  const actual = readText(file);
  const format = actual === null ? 'rules' : rulesFormatOf(actual);
  const expected = generateAlerts(config, format, opts.templatesDir).text;
  const g = opts.given ?? {};
  const cmd = fixIt('gen-alerts', [['--config', g.config], ['--templates', g.templates], ['--format', format === 'prometheusrule' ? 'prometheusrule' : undefined], ['--out', file]]);
  return compareText(file, 'rules', actual, expected, cmd);
}

/**
 * `--dashboards DIR`: regenerate every dashboard (wrapped or not, as the files on disk are) and the
 * provisioning file, and compare. options.path of the provisioning file is where Grafana reads the
 * directory, which the config does not say: `provisioningPath`, else the path the file on disk names,
 * else DIR's absolute path. A provider-*.json the config no longer generates is stale (Grafana still
 * loads it).
 */
export function checkDashboards(config: Config, dir: string, opts: { templatesDir?: string; provisioningPath?: string; given?: Given } = {}): DriftEntry[] {
  const isDir = existsSync(dir) && statSync(dir).isDirectory();
  if (existsSync(dir) && !isDir) throw new UserError(`--dashboards ${dir}: not a directory`);
  const onDisk = isDir ? readdirSync(dir).filter((n) => /^(overview|provider-.*)\.json$/.test(n)).sort() : [];
  const sample = ['overview.json', ...onDisk].map((n) => readText(join(dir, n))).find((t) => t !== null) ?? null;
  const wrap = sample !== null && isWrappedDashboard(sample);
  const provisioning = readText(join(dir, 'provisioning.yaml'));
  const path = opts.provisioningPath ? resolve(opts.provisioningPath) : (provisioningPathOf(provisioning) ?? resolve(dir));
  const files = dashboardFiles(config, { path, wrap, templatesDir: opts.templatesDir });
  const g = opts.given ?? {};
  const regenerate = fixIt('gen-dashboard', [
    ['--config', g.config], ['--templates', g.templates], ['--wrap', wrap], ['--provisioning-path', g.provisioningPath], ['--out', dir],
  ]);
  const out = files.map((f) =>
    compareText(join(dir, f.name), f.name === 'provisioning.yaml' ? 'provisioning' : 'dashboard', f.name === 'provisioning.yaml' ? provisioning : readText(join(dir, f.name)), f.text, regenerate),
  );
  const generated = new Set(files.map((f) => f.name));
  for (const name of onDisk.filter((n) => !generated.has(n))) {
    const file = join(dir, name);
    out.push({ file, kind: 'dashboard', status: 'stale', line: null, diff: [], note: `${file} is not generated from the config any more (its provider was removed); delete it` });
  }
  return out;
}

function provisioningPathOf(text: string | null): string | null {
  if (text === null) return null;
  try {
    const doc = parseYaml(text) as { providers?: Array<{ options?: { path?: unknown } }> } | null;
    const p = doc?.providers?.[0]?.options?.path;
    return typeof p === 'string' && p !== '' ? p : null;
  } catch {
    return null;
  }
}
