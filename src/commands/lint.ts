// `vtcode-errors lint`: what a reviewer would flag in the config and its generated rules (src/generate/lint.ts).
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig } from '../config/load.js';
import { readAlertTemplates } from '../generate/alerts.js';
import { formatFinding, lint, type Finding } from '../generate/lint.js';
import { generateAlerts } from '../generate/rules-file.js';
import { addConfigOption, withExample } from './common.js';

interface LintOptions {
  config?: string;
  templates?: string;
  format: 'table' | 'json';
  strict?: boolean;
  quiet?: boolean;
}

/** Findings of `config` with `templatesDir` (gen-alerts --lint shares this). */
export function lintFindings(configPath: string | undefined, templatesDir: string | undefined): Finding[] {
  const config = loadConfig(configPath);
  const dir = templatesDir ? resolve(templatesDir) : undefined;
  const templates = readAlertTemplates(dir);
  return lint(config, generateAlerts(config, 'rules', dir), (key) => templates.files.get(`${key}.yaml`)!.file);
}

export function registerLint(program: Command): void {
  const cmd = program
    .command('lint')
    .description('report what a reviewer would flag in the config and its rules, each finding with a stable id (exit 1 on an error finding, or any finding with --strict)')
    .option('--templates <dir>', 'lint the rules of these alert templates (a copy of templates/alerts/)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('--strict', 'warnings and notes fail too (exit 1)')
    .option('-q, --quiet', 'no summary line on stderr');
  addConfigOption(cmd).action((opts: LintOptions) => {
    const findings = lintFindings(opts.config, opts.templates);
    if (opts.format === 'json') process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
    else for (const f of findings) process.stdout.write(`${formatFinding(f)}\n`);
    const errors = findings.filter((f) => f.severity === 'error').length;
    if (!opts.quiet) process.stderr.write(`vtcode-errors: ${findings.length} finding${findings.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'})\n`);
    if (errors > 0 || (opts.strict && findings.length > 0)) process.exitCode = 1;
  });
  withExample(cmd, 'vtcode-errors lint --config vtcode-errors.yaml', 'vtcode-errors lint --format json | jq -r ".[].id"');
}
