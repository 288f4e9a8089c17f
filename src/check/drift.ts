// Drift (issue 7): regenerate the rules and dashboards from the config and compare them with the files
// deployed. Each file is `ok`, `stale` (with a unified diff of the hunks that changed) or `missing`.
// Formats are detected from the files' content, as the user generated them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { structuredPatch } from 'diff';
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
  /** The changed hunks as a unified diff (`-` on disk, `+` generated), capped; [] unless stale. */
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
 * How `actual` (on disk) differs from `expected` (generated), as `diff -u` shows it: every hunk that
 * changed, `context` unchanged lines around each, at most `max` lines of hunks (a wholly different file
 * says how many more there are). `line` is the first line on disk that differs.
 */
export function diffExcerpt(actual: string, expected: string, file: string, context = 2, max = 60): { line: number; lines: string[] } {
  const { hunks } = structuredPatch(file, 'generated from the config', actual, expected, undefined, undefined, { context });
  const body = hunks.flatMap((h) => [
    // As diff -u and jsdiff's own formatPatch: an empty side names the line before it.
    `@@ -${h.oldLines === 0 ? h.oldStart - 1 : h.oldStart},${h.oldLines} +${h.newLines === 0 ? h.newStart - 1 : h.newStart},${h.newLines} @@`,
    ...h.lines,
  ]);
  const first = hunks[0];
  const lead = first ? first.lines.findIndex((l) => l[0] === '-' || l[0] === '+') : 0;
  const line = first ? first.oldStart + Math.max(lead, 0) : 1;
  return {
    line: Math.min(Math.max(line, 1), Math.max(actual.split('\n').length, 1)),
    lines: [`--- ${file}`, '+++ generated from the config', ...body.slice(0, max), ...(body.length > max ? [`  ... ${body.length - max} more lines of diff`] : [])],
  };
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
