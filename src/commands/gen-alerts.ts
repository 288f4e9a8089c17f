// `vtcode-errors gen-alerts`: Prometheus alerting rules (and their promtool unit tests) from the config.
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { UserError } from '../model.js';
import { generateAlertFiles } from '../generate/alert-files.js';
import type { RulesFormat } from '../generate/rules-file.js';
import { formatFinding, lintConfig } from '../generate/lint.js';
import { addConfigOption, addOutputOptions, withExample, writeOut } from './common.js';

interface GenAlertsOptions {
  config?: string;
  out: string;
  tests?: string;
  format: RulesFormat;
  templates?: string;
  allowShortWindows?: boolean;
  lint?: boolean;
  quiet?: boolean;
}

export function registerGenAlerts(program: Command): void {
  const cmd = program
    .command('gen-alerts')
    .description('write Prometheus alerting rules (a rule file, or a PrometheusRule with --format prometheusrule) from the config')
    .option('--out <file>', 'where to write the rules (- for stdout)', '-')
    .option('--tests <file>', 'also write a `promtool test rules` file proving every rule (needs --out FILE and --format rules)')
    .option('--templates <dir>', 'use these alert templates (a copy of templates/alerts/) instead of the bundled ones')
    .option('--allow-short-windows', 'a window shorter than 2 × scrape_interval is a warning, not an error')
    .option('--lint', 'also print what `vtcode-errors lint` finds, on stderr');
  addOutputOptions(addConfigOption(cmd), ['rules', 'prometheusrule']).action((opts: GenAlertsOptions) => {
    if (opts.tests && (opts.out === '-' || opts.format !== 'rules')) {
      throw new UserError('--tests needs --out FILE and --format rules (the test file names the rule file, and promtool reads only rule files)');
    }
    const config = loadConfig(opts.config);
    const templates = opts.templates ? resolve(opts.templates) : undefined;
    const { rules: generated, tests, shortWindows } = generateAlertFiles(config, {
      format: opts.format, templatesDir: templates, allowShortWindows: opts.allowShortWindows,
      testsRuleFile: opts.tests ? relative(dirname(resolve(opts.tests)), resolve(opts.out)).split('\\').join('/') : undefined,
    });
    if (!opts.quiet) for (const f of shortWindows) process.stderr.write(`vtcode-errors: warning: ${formatFinding(f, true)}\n`);
    if (opts.out === '-') process.stdout.write(generated.text);
    else writeOut(opts.out, generated.text);
    if (opts.tests && tests !== null) writeOut(opts.tests, tests);
    if (opts.lint) for (const f of lintConfig(config, templates)) if (f.id !== 'short-window') process.stderr.write(`vtcode-errors: lint: ${formatFinding(f)}\n`);
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

