// Every command of the CLI, in the order `--help` lists them. One file per command.
import type { Command } from 'commander';

export const COMMANDS: Array<(program: Command) => void> = [
];
