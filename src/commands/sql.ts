// `vtcode-errors sql --db FILE "SELECT ..."`: one read-only statement, printed in any format.
import type { Command } from 'commander';
import { renderJson, renderSections } from '../render/index.js';
import { query } from '../store/query.js';
import { addDbOption, addOutputOptions, useColor, withExample, type CommonOptions } from './common.js';

export function registerSql(program: Command): void {
  const cmd = program
    .command('sql')
    .description('run one read-only SQL statement (SELECT or WITH) against the store')
    .argument('<statement>', 'the SQL statement');
  addDbOption(cmd, 'the SQLite store', true);
  addOutputOptions(cmd).action((statement: string, opts: CommonOptions & { db: string }) => {
    const { columns, rows } = query(opts.db, statement);
    // A table says how many rows; markdown is the result alone, to paste under a heading of one's own.
    const title = opts.format === 'markdown' ? '' : `${rows.length} ${rows.length === 1 ? 'row' : 'rows'}`;
    if (opts.format === 'json') process.stdout.write(renderJson(rows));
    else process.stdout.write(renderSections(opts.format, [{ key: 'rows', title, columns, rows }], useColor(opts)));
  });
  withExample(cmd, `vtcode-errors sql --db errors.db "SELECT error_type, count(*) AS n FROM error_logs WHERE event = 'error' GROUP BY 1"`);
}
