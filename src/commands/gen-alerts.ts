// `vtcode-errors gen-alerts`: Prometheus alerting rules (and their promtool unit tests) from the config.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { UserError } from '../model.js';
import { generateAlertTests, generateAlerts, type RulesFormat } from '../generate/rules-file.js';
import { addConfigOption, addOutputOptions, withExample } from './common.js';

interface GenAlertsOptions {
  config?: string;
  out: string;
  tests?: string;
  format: RulesFormat;
  templates?: string;
  quiet?: boolean;
}

export function registerGenAlerts(program: Command): void {
  const cmd = program
    .command('gen-alerts')
    .description('write Prometheus alerting rules (a rule file, or a PrometheusRule with --format prometheusrule) from the config')
    .option('--out <file>', 'where to write the rules (- for stdout)', '-')
    .option('--tests <file>', 'also write a `promtool test rules` file proving every rule (needs --out FILE and --format rules)')
    .option('--templates <dir>', 'use these alert templates (a copy of templates/alerts/) instead of the bundled ones');
  addOutputOptions(addConfigOption(cmd), ['rules', 'prometheusrule']).action((opts: GenAlertsOptions) => {
    if (opts.tests && (opts.out === '-' || opts.format !== 'rules')) {
      throw new UserError('--tests needs --out FILE and --format rules (the test file names the rule file, and promtool reads only rule files)');
    }
    const config = loadConfig(opts.config);
    const templates = opts.templates ? resolve(opts.templates) : undefined;
    const generated = generateAlerts(config, opts.format, templates);
    const tests = opts.tests ? generateAlertTests(config, generated, relative(dirname(resolve(opts.tests)), resolve(opts.out)).split('\\').join('/'), templates) : null;
    if (opts.out === '-') process.stdout.write(generated.text);
    else write(opts.out, generated.text);
    if (opts.tests && tests !== null) write(opts.tests, tests);
    if (!opts.quiet && opts.out !== '-') {
      process.stderr.write(`vtcode-errors: wrote ${generated.rules.length} rules to ${opts.out}${opts.tests ? ` and their tests to ${opts.tests} (run: promtool test rules ${opts.tests})` : ''}\n`);
    }
  });
  withExample(
    cmd,
    'vtcode-errors gen-alerts --config vtcode-errors.yaml --out alerts/llm-errors.rules.yml --tests alerts/llm-errors.test.yml',
    'promtool test rules alerts/llm-errors.test.yml',
  );
}

function write(path: string, text: string): void {
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(path, text);
  } catch (err) {
    throw new UserError(`cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}
