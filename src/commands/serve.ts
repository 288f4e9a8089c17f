// `vtcode-errors serve`: the exporter. Follows the logs and serves the metrics the generated rules and
// dashboards read (src/exporter/service.ts), until SIGTERM or SIGINT.
import type { Command } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { tryParseDurationMs } from '../config/duration.js';
import { UserError } from '../model.js';
import { addConfigOption, withExample } from './common.js';
import { addInputOptions, inputPaths, type InputOptions } from './inputs.js';

interface ServeOptions extends InputOptions {
  config?: string;
  listen: string;
  state?: string;
  fromEnd?: boolean;
  pollInterval: string;
}

export const DEFAULT_LISTEN = '127.0.0.1:9464';

/** The default state file: $XDG_STATE_HOME/vtcode-errors/serve.db (~/.local/state when unset). */
export function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(base, 'vtcode-errors', 'serve.db');
}

/** HOST:PORT, [IPv6]:PORT or a bare port (on 127.0.0.1). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value) ?? (/^\d{1,5}$/.test(value) ? [value, undefined, '127.0.0.1', value] : null);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new UserError(`--listen ${value}: expected HOST:PORT, such as ${DEFAULT_LISTEN}`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('follow the logs and serve the metrics the generated alerts and dashboards read, for Prometheus to scrape')
    .argument('[paths...]', 'files, directories or glob patterns to follow (new files in directories are read from their start)')
    .option('--listen <host:port>', 'where to serve /metrics, /-/healthy and /-/ready', DEFAULT_LISTEN)
    .option('--state <file>', `the state file (SQLite): offsets and counter totals (default ${defaultStatePath({ XDG_STATE_HOME: '$XDG_STATE_HOME' })})`)
    .option('--from-end', 'on a first start, skip what the files already hold (count only what is appended from now on)')
    .option('--poll-interval <duration>', 'how often the files are checked for new lines', '1s')
    .option('-q, --quiet', 'log nothing on stderr but errors');
  addInputOptions(addConfigOption(cmd)).action(async (given: string[], opts: ServeOptions) => {
    if (given.includes('-')) throw new UserError('serve follows files: standard input (-) cannot be followed');
    const config = loadConfig(opts.config);
    const { host, port } = parseListen(opts.listen);
    const pollMs = tryParseDurationMs(opts.pollInterval);
    if (pollMs === null || pollMs <= 0) throw new UserError(`--poll-interval ${opts.pollInterval}: expected a duration such as 1s or 500ms`);
    // Paths are expanded anew at every poll (and VT Code's directories looked up again with --vtcode).
    const paths = async () => (opts.vtcode ? inputPaths('serve', given, { ...opts, quiet: true }) : given);
    if (!opts.vtcode && given.length === 0) await inputPaths('serve', given, opts); // says what to name
    const log = (line: string) => process.stderr.write(`vtcode-errors serve: ${line}\n`);
    // Loaded here: the metrics client is needed by this command alone, and every other one starts faster without it.
    const { Service } = await import('../exporter/service.js');
    const service = new Service({
      paths, state: opts.state ?? defaultStatePath(), host, port, config, pollMs, fromEnd: opts.fromEnd === true,
      log, info: opts.quiet ? () => {} : log,
    });
    let address;
    try {
      address = await service.start();
    } catch (err) {
      await service.stop();
      const e = err as NodeJS.ErrnoException;
      throw new UserError(`cannot listen on ${opts.listen}: ${e.code === 'EADDRINUSE' ? 'address already in use' : e.message}`);
    }
    if (!opts.quiet) log(`serving http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}/metrics (state ${opts.state ?? defaultStatePath()})`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        void service.stop().then(resolve);
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
    if (!opts.quiet) log('stopped; state saved');
  });
  withExample(
    cmd,
    'vtcode-errors serve logs/ --listen 127.0.0.1:9464 --state /var/lib/vtcode-errors/serve.db',
    'vtcode-errors serve --vtcode --config vtcode-errors.yaml',
  );
}
