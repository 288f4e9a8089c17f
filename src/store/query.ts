// One read-only SQL statement against a store, as `vtcode-errors sql` runs it (the library's query).
import { UserError } from '../model.js';
import { addPostgresFunctions } from './sql-functions.js';
import { Store, describe } from './store.js';

export interface QueryResult {
  columns: string[];
  rows: Array<Record<string, unknown>>;
}

/**
 * Run `statement` (SELECT, WITH or VALUES) on the store `db`, opened read-only, with the Postgres-style
 * functions of the README. Anything but a read-only query is refused, and SQLite's own word on an
 * error is said as a UserError.
 */
export function query(db: string, statement: string): QueryResult {
  const store = Store.openReadOnly(db);
  try {
    addPostgresFunctions(store.db);
    let stmt;
    try {
      stmt = store.db.prepare(statement); // SQLite's own word on bad syntax
    } catch (err) {
      throw new UserError(`sql: ${describe(err)}`);
    }
    // (ATTACH counts as read-only to SQLite: only a statement that starts as a query is taken.)
    const isQuery = /^\s*(select|with|values)\b/i.test(statement.replace(/^\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*/g, ''));
    if (!isQuery || !stmt.readonly || !stmt.reader) throw new UserError('sql: only a read-only SELECT or WITH statement is allowed');
    try {
      return { columns: stmt.columns().map((c) => c.name), rows: stmt.all() as Array<Record<string, unknown>> };
    } catch (err) {
      throw new UserError(`sql: ${describe(err)}`);
    }
  } finally {
    store.close();
  }
}
