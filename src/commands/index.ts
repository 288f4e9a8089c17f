// Every command of the CLI, in the order `--help` lists them. One file per command, each loaded only
// when wanted: a run loads its own command's modules (start-up is shorter, and a smaller heap makes
// each of the main thread's forced collections cheaper); `--help` and a mistyped command load all.
import type { Command } from 'commander';

type Register = (program: Command) => void;

export const COMMANDS: Record<string, () => Promise<Register>> = {
  analyze: async () => (await import('./analyze.js')).registerAnalyze,
  ingest: async () => (await import('./ingest.js')).registerIngest,
  sql: async () => (await import('./sql.js')).registerSql,
  'gen-alerts': async () => (await import('./gen-alerts.js')).registerGenAlerts,
  'gen-dashboard': async () => (await import('./gen-dashboard.js')).registerGenDashboard,
  lint: async () => (await import('./lint.js')).registerLint,
  check: async () => (await import('./check.js')).registerCheck,
  report: async () => (await import('./report.js')).registerReport,
  serve: async () => (await import('./serve.js')).registerServe,
  export: async () => (await import('./export.js')).registerExport,
  init: async () => (await import('./init.js')).registerInit,
};

/** The commands to register for `argv`: the one it names, else (help, a typo) all of them. */
export async function commandsFor(argv: string[]): Promise<Register[]> {
  const name = argv[2];
  const wanted = name !== undefined && Object.hasOwn(COMMANDS, name) ? [COMMANDS[name]] : Object.values(COMMANDS);
  return Promise.all(wanted.map((load) => load()));
}
