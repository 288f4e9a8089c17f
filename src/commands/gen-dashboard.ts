// `vtcode-errors gen-dashboard`: Grafana dashboards and their provisioning file, from the same config as the alerts.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { UserError } from '../model.js';
import { dashboardFiles } from '../generate/provisioning.js';
import { addConfigOption, withExample } from './common.js';

interface GenDashboardOptions {
  config?: string;
  out: string;
  wrap?: boolean;
  templates?: string;
  provisioningPath?: string;
  quiet?: boolean;
}

export function registerGenDashboard(program: Command): void {
  const cmd = program
    .command('gen-dashboard')
    .description('write Grafana dashboards (overview.json, provider-<id>.json) and a file-provisioning provisioning.yaml')
    .option('--out <dir>', 'output directory', './dashboards')
    .option('--wrap', 'write the HTTP API shape {"dashboard": ..., "overwrite": true, "folderUid": ...} (no provisioning file)')
    .option('--templates <dir>', 'use your copy of templates/ (or of templates/dashboards/) instead of the bundled templates')
    .option('--provisioning-path <dir>', 'the output directory as Grafana sees it, for options.path (default: the absolute --out)')
    .option('-q, --quiet', 'do not list the files written');
  addConfigOption(cmd).action((opts: GenDashboardOptions) => {
    const config = loadConfig(opts.config);
    const dir = resolve(opts.out);
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`--out ${opts.out}: must be a directory (it names a file)`);
    const files = dashboardFiles(config, {
      path: opts.provisioningPath ? resolve(opts.provisioningPath) : dir,
      wrap: opts.wrap,
      templatesDir: opts.templates ? resolve(opts.templates) : undefined,
    });
    try {
      mkdirSync(dir, { recursive: true });
      for (const f of files) writeFileSync(join(dir, f.name), f.text);
    } catch (err) {
      throw new UserError(`${dir}: cannot write (${(err as NodeJS.ErrnoException).code ?? err})`);
    }
    if (opts.quiet) return;
    for (const f of files) process.stdout.write(`${join(opts.out, f.name)}\n`);
    // A provider dropped from the config leaves its file behind, and Grafana keeps provisioning it.
    const written = new Set(files.map((f) => f.name));
    const stale = existsSync(dir) ? readdirSync(dir).filter((n) => /^provider-.*\.json$/.test(n) && !written.has(n)) : [];
    for (const n of stale.sort()) process.stderr.write(`vtcode-errors: note: ${join(opts.out, n)} is not in the config any more; remove it\n`);
  });
  withExample(cmd, 'vtcode-errors gen-dashboard --config vtcode-errors.yaml --out /var/lib/grafana/dashboards/llm');
}
