// `vtcode-errors sql --db FILE "SELECT ..."`: one read-only statement, printed in any format.
import type { Command } from 'commander';
import { UserError } from '../model.js';
import { renderJson, renderSections } from '../render/index.js';
import { addPostgresFunctions } from '../store/sql-functions.js';
import { Store, describe } from '../store/store.js';
import { addDbOption, addOutputOptions, useColor, withExample, type CommonOptions } from './common.js';

export function registerSql(program: Command): void {
  const cmd = program
    .command('sql')
    .description('run one read-only SQL statement (SELECT or WITH) against the store')
    .argument('<statement>', 'the SQL statement');
  addDbOption(cmd, 'the SQLite store', true);
  addOutputOptions(cmd).action((statement: string, opts: CommonOptions & { db: string }) => {
    const store = Store.openReadOnly(opts.db);
    try {
      addPostgresFunctions(store.db);
      let stmt;
      try {
        stmt = store.db.prepare(statement); // SQLite's own word on bad syntax
      } catch (err) {
        throw new UserError(`sql: ${describe(err)}`);
      }
      // (ATTACH counts as read-only to SQLite: only a statement that starts as a query is taken.)
      const query = /^\s*(select|with|values)\b/i.test(statement.replace(/^\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*/g, ''));
      if (!query || !stmt.readonly || !stmt.reader) throw new UserError('sql: only a read-only SELECT or WITH statement is allowed');
      let rows: Array<Record<string, unknown>>;
      try {
        rows = stmt.all() as Array<Record<string, unknown>>;
      } catch (err) {
        throw new UserError(`sql: ${describe(err)}`);
      }
      const columns = stmt.columns().map((c) => c.name);
      // A table says how many rows; markdown is the result alone, to paste under a heading of one's own.
      const title = opts.format === 'markdown' ? '' : `${rows.length} ${rows.length === 1 ? 'row' : 'rows'}`;
      if (opts.format === 'json') process.stdout.write(renderJson(rows));
      else process.stdout.write(renderSections(opts.format, [{ key: 'rows', title, columns, rows }], useColor(opts)));
    } finally {
      store.close();
    }
  });
  withExample(cmd, `vtcode-errors sql --db errors.db "SELECT error_type, count(*) AS n FROM error_logs WHERE event = 'error' GROUP BY 1"`);
}
