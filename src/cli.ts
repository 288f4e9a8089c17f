// Commander wiring only: every command lives in src/commands/.
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';
import { UserError } from './model.js';
import { VERSION } from './version.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('vtcode-errors')
    .description('Analyse LLM provider errors in logs; generate Prometheus alerts and Grafana dashboards for them.')
    .version(VERSION)
    .showHelpAfterError("see 'vtcode-errors --help'")
    .exitOverride();
  for (const register of COMMANDS) register(program);
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
  if (process.env.DEBUG?.includes('vtcode-errors')) process.stderr.write(`${e?.stack ?? e}\n`);
  else process.stderr.write(`vtcode-errors: ${e?.message ?? String(e)}\n`);
  return e?.code === 'EPIPE' ? 0 : 2;
}
