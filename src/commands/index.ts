// Every command of the CLI, in the order `--help` lists them. One file per command.
import type { Command } from 'commander';
import { registerAnalyze } from './analyze.js';
import { registerGenDashboard } from './gen-dashboard.js';
import { registerIngest } from './ingest.js';
import { registerSql } from './sql.js';

export const COMMANDS: Array<(program: Command) => void> = [
  registerAnalyze,
  registerIngest,
  registerSql,
  registerGenDashboard,
];
