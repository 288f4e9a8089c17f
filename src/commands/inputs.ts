// Which paths a command reads: those given, plus VT Code's own directories with --vtcode; and with
// --formats, more format files to read them with.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { addFormats, readFormats } from '../formats/index.js';
import { vtcodeFiles, vtcodeLocations } from '../ingest/vtcode-dirs.js';
import { UserError } from '../model.js';

export interface InputOptions {
  vtcode?: boolean;
  workspace?: string;
  quiet?: boolean;
  formats?: string;
}

export function addInputOptions(cmd: Command): Command {
  return cmd
    .option('--vtcode', "also read VT Code's own files: its sessions directory, legacy ~/.vtcode, and the workspace's trajectories")
    .option('--workspace <dir>', 'with --vtcode: the workspace whose .vtcode/logs to read (default: the current directory)')
    .option('--formats <dir>', 'more format files (field aliases, providers, markers, debug-log lines) to read with: see the README')
    // Before the command runs, so that a bad file stops it before anything is read.
    .hook('preAction', (command) => {
      const dir = (command.opts() as InputOptions).formats;
      if (dir) addFormats(readFormats(dir));
    });
}

function locations(opts: InputOptions) {
  return vtcodeLocations({
    env: process.env,
    home: process.env.HOME || homedir(),
    platform: process.platform,
    workspace: opts.workspace ?? process.cwd(),
  });
}

/** The paths to read; with --vtcode, says on stderr which directories it found. */
export async function inputPaths(command: string, paths: string[], opts: InputOptions): Promise<string[]> {
  if (!opts.vtcode) {
    if (paths.length > 0) return paths;
    const found = locations(opts);
    const where = found.length ? found.map((l) => `  ${l.path}  (${l.why})`).join('\n') : '  (none of VT Code\'s directories exist here)';
    throw new UserError(
      `${command}: no paths given. Name files or directories, or add --vtcode to read VT Code's own files:\n${where}`,
    );
  }
  const found = locations(opts);
  if (!opts.quiet) {
    for (const l of found) process.stderr.write(`reading ${l.path} (${l.why})\n`);
    if (found.length === 0) process.stderr.write("vtcode-errors: none of VT Code's directories exist here\n");
  }
  return [...paths, ...(await vtcodeFiles(found))];
}

/**
 * With --db and no paths (nor --vtcode): none, for the store as it is (which must exist); else the
 * paths to read, as inputPaths gives them.
 */
export async function pathsOrStore(command: string, paths: string[], opts: InputOptions & { db?: string }): Promise<string[]> {
  if (paths.length > 0 || opts.vtcode || opts.db === undefined) return inputPaths(command, paths, opts);
  if (!existsSync(opts.db)) throw new UserError(`${command}: no paths given and --db ${opts.db} does not exist`);
  return [];
}
