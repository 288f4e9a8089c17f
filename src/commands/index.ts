// Every command of the CLI, in the order `--help` lists them. One file per command.
import type { Command } from 'commander';
import { registerAnalyze } from './analyze.js';
import { registerExport } from './export.js';
import { registerCheck } from './check.js';
import { registerGenAlerts } from './gen-alerts.js';
import { registerGenDashboard } from './gen-dashboard.js';
import { registerIngest } from './ingest.js';
import { registerInit } from './init.js';
import { registerLint } from './lint.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerSql } from './sql.js';

export const COMMANDS: Array<(program: Command) => void> = [
  registerAnalyze,
  registerIngest,
  registerSql,
  registerGenAlerts,
  registerGenDashboard,
  registerLint,
  registerCheck,
  registerReport,
  registerServe,
  registerExport,
  registerInit,
];
