// Commander wiring only: every command lives in src/commands/.
import { Command, CommanderError } from 'commander';
import { commandsFor } from './commands/index.js';
import { debugging, InternalError, UserError } from './model.js';
import { VERSION } from './version.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('vtcode-errors')
    .description('Analyse LLM provider errors in logs; generate Prometheus alerts and Grafana dashboards for them.')
    .version(VERSION)
    .showHelpAfterError("see 'vtcode-errors --help'")
    .exitOverride();
  for (const register of await commandsFor(argv)) register(program);
  // A usage error is one line and where to look, not the whole help.
  for (const cmd of program.commands) cmd.showHelpAfterError(`see 'vtcode-errors ${cmd.name()} --help'`);
  // With a file-size limit (ulimit -f), a write past it must fail with EFBIG, not kill the process.
  process.on('SIGXFSZ', () => {});
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0); // `| head` closed the pipe: not an error
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
  }
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; every other commander error is a usage error (already printed).
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof UserError) {
    process.stderr.write(`vtcode-errors: ${err.message}\n`);
    return err.exitCode;
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EPIPE') return 0;
  // An error of the system or of SQLite (it has a code: disk full, permission) is the environment's;
  // anything else is a bug of ours, said as one (exit 70, EX_SOFTWARE), the stack under DEBUG=1.
  const internal = err instanceof InternalError || typeof e?.code !== 'string';
  if (debugging()) process.stderr.write(`${err instanceof InternalError && err.detail ? err.detail : (e?.stack ?? e)}\n`);
  if (!internal) {
    process.stderr.write(`vtcode-errors: ${e?.message ?? String(e)}\n`);
    return 2;
  }
  const message = err instanceof InternalError ? err.message : `internal error: ${e?.message ?? String(e)}`;
  process.stderr.write(`vtcode-errors: ${message} (a bug in vtcode-errors: DEBUG=1 shows where)\n`);
  return 70;
}
