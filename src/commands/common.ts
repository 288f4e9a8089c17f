// Options every command shares, so that they read the same everywhere (sqlite-utils style).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { isoTime, parseTime } from '../ingest/values.js';
import { UserError } from '../model.js';
import type { OutputFormat } from '../render/sections.js';


export interface CommonOptions {
  config?: string;
  format: OutputFormat;
  quiet?: boolean;
  color: boolean; // commander turns --no-color into color: false
  strict?: boolean;
}

/** --format with the given choices (the first is the default), --quiet, --no-color. */
export function addOutputOptions(cmd: Command, formats: readonly string[] = ['table', 'json', 'csv', 'markdown']): Command {
  return cmd
    .addOption(new Option('--format <format>', 'output format').choices([...formats]).default(formats[0]))
    .option('-q, --quiet', 'print only the result, no notes on stderr')
    .option('--no-color', 'no colour (also when NO_COLOR is set or stdout is not a terminal)');
}

/** --provider ID, repeatable: the ids given (as typed; the library maps them to provider ids). */
export function addProviderOption(cmd: Command): Command {
  return cmd.addOption(new Option('--provider <id>', 'only this provider (repeatable)').argParser((v: string, prev: string[]) => [...prev, v]).default([]));
}

/** --db FILE: the SQLite store a command keeps its rows in (`help` says what it does without paths). */
export function addDbOption(cmd: Command, help = 'keep the store in this SQLite file (incremental: a re-run reads only what is new)', required = false): Command {
  return required ? cmd.requiredOption('--db <file>', help) : cmd.option('--db <file>', help);
}

/** --strict: a malformed record is an input error (`help` says how a command reports it). */
export function addStrictOption(cmd: Command, help = 'exit 2 at the first malformed record'): Command {
  return cmd.option('--strict', help);
}

export function addConfigOption(cmd: Command): Command {
  return cmd.option('--config <file>', 'config file (default ./vtcode-errors.yaml when present, else built-in defaults)');
}

/** Colour only for a terminal, and never when NO_COLOR is set or --no-color was given. */
export function useColor(opts: { color?: boolean }, stream: NodeJS.WriteStream = process.stdout): boolean {
  return opts.color !== false && !process.env.NO_COLOR && stream.isTTY === true;
}

/** Add an example to a command's --help. */
export function withExample(cmd: Command, ...lines: string[]): Command {
  return cmd.addHelpText('after', `\nExample:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A --since/--until/--now value: ISO 8601, or a duration such as 90m, 24h, 7d counted back from `now`. */
export function parseTimeArg(flag: string, value: string, now: number): number {
  const d = DURATION.exec(value.trim());
  if (d) return now - Number(d[1]) * UNIT_MS[d[2]];
  const t = parseIsoStrict(value);
  if (t === null) throw new UserError(`${flag} ${value}: expected an ISO 8601 time or a duration such as 90m, 24h, 7d`);
  return t;
}

// An ISO 8601 time (no zone: UTC) read as records' times are, so that 2026-02-30 is refused, not 2 March.
function parseIsoStrict(value: string): number | null {
  const v = value.trim();
  return /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(v) ? parseTime(v) : null;
}

/** --now is a point in time, ISO 8601, as its help says (a duration would be counted from what?). */
function parseNow(value: string): number {
  const t = parseIsoStrict(value);
  if (t === null) throw new UserError(`--now ${value}: expected an ISO 8601 time such as 2026-11-20T14:00:00Z`);
  return t;
}

/** What --since, --until and --now gave (addTimeOptions). */
export interface TimeOptions {
  since?: string;
  until?: string;
  now?: string;
}

/** --db, --strict and --provider, as the commands that read logs into a store declare them. */
export interface StoreOptions {
  db?: string;
  strict?: boolean;
  provider: string[];
}

export interface TimeRange {
  since: number | null; // inclusive, epoch ms
  until: number | null; // exclusive, epoch ms
  now: number;
}

export function timeRange(opts: TimeOptions): TimeRange {
  const now = opts.now ? parseNow(opts.now) : Date.now();
  const since = opts.since ? parseTimeArg('--since', opts.since, now) : null;
  const until = opts.until ? parseTimeArg('--until', opts.until, now) : null;
  // An empty range is a mistake, not a question: say so rather than print an empty report.
  if (since !== null && until !== null && since >= until) {
    throw new UserError(`--since ${opts.since} is not before --until ${opts.until}: the range holds no time`);
  }
  return { now, since, until };
}

/** A range as the library takes it: ISO 8601 times. */
export function isoRange(r: TimeRange): { since: string | null; until: string | null } {
  return { since: r.since === null ? null : isoTime(r.since), until: r.until === null ? null : isoTime(r.until) };
}

export function addTimeOptions(cmd: Command): Command {
  return cmd
    .option('--since <time>', 'only events at or after this time (ISO 8601, or 90m, 24h, 7d back from now)')
    .option('--until <time>', 'only events before this time (ISO 8601 or a duration back from now)')
    .option('--now <iso>', 'what "now" is for durations (default: the clock)');
}

/** Write (or append to) a file a command was asked for, its directory made; a failure is one line. */
export function writeOut(path: string, text: string, append = false): void {
  try {
    if (append) appendFileSync(path, text);
    else {
      mkdirSync(dirname(resolve(path)), { recursive: true });
      writeFileSync(path, text);
    }
  } catch (err) {
    throw new UserError(`cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}
