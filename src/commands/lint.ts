// `vtcode-errors lint`: what a reviewer would flag in the config and its generated rules (src/generate/lint.ts).
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig } from '../config/load.js';
import { formatFinding, lintConfig } from '../generate/lint.js';
import { addConfigOption, withExample } from './common.js';

interface LintOptions {
  config?: string;
  templates?: string;
  format: 'table' | 'json';
  strict?: boolean;
  quiet?: boolean;
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
    const findings = lintConfig(loadConfig(opts.config), opts.templates ? resolve(opts.templates) : undefined);
    if (opts.format === 'json') process.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
    else for (const f of findings) process.stdout.write(`${formatFinding(f)}\n`);
    const errors = findings.filter((f) => f.severity === 'error').length;
    if (!opts.quiet) process.stderr.write(`vtcode-errors: ${findings.length} finding${findings.length === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'})\n`);
    if (errors > 0 || (opts.strict && findings.length > 0)) process.exitCode = 1;
  });
  withExample(cmd, 'vtcode-errors lint --config vtcode-errors.yaml', 'vtcode-errors lint --format json | jq -r ".[].id"');
}
