// `vtcode-errors init`: write the commented default vtcode-errors.yaml (templates/vtcode-errors.yaml).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { DEFAULT_CONFIG_PATH } from '../config/load.js';
import { UserError } from '../model.js';
import { withExample } from './common.js';

/** The default config, with a comment on every key; it loads back to exactly defaultConfig(). */
export const CONFIG_TEMPLATE = resolve(dirname(fileURLToPath(import.meta.url)), '../../templates/vtcode-errors.yaml');

interface InitOptions {
  out: string;
  force?: boolean;
  quiet?: boolean;
}

export function registerInit(program: Command): void {
  const cmd = program
    .command('init')
    .description('write a commented default vtcode-errors.yaml (the config of gen-alerts, gen-dashboard and check)')
    .option('--out <file>', 'where to write it', DEFAULT_CONFIG_PATH)
    .option('--force', 'overwrite the file if it exists')
    .option('-q, --quiet', 'no note on stderr')
    .action((opts: InitOptions) => {
      if (existsSync(opts.out) && !opts.force) throw new UserError(`${opts.out} already exists (use --force to overwrite it)`);
      const text = readFileSync(CONFIG_TEMPLATE, 'utf8');
      try {
        writeFileSync(opts.out, text);
      } catch (err) {
        throw new UserError(`cannot write ${opts.out} (${(err as NodeJS.ErrnoException).code ?? err})`);
      }
      if (!opts.quiet) process.stderr.write(`vtcode-errors: wrote ${opts.out}; edit it, then run vtcode-errors gen-alerts and gen-dashboard\n`);
    });
  withExample(cmd, 'vtcode-errors init && vtcode-errors gen-alerts --out alerts.yml');
}
