// The example's database: SQLite compiled to WebAssembly (sql.js), in memory, with one table.
import initSqlJs, { type Database } from 'sql.js';
import type { Table } from './session.js';

export type User = { id: number; name: string; email: string };

export const users: Table<User> = { name: 'users', columns: ['id', 'name', 'email'] };

let sqlJs: ReturnType<typeof initSqlJs> | undefined;

/** A fresh in-memory database with the `users` table (emails are unique, names required). */
export async function openDatabase(): Promise<Database> {
  sqlJs ??= initSqlJs(); // loads node_modules/sql.js/dist/sql-wasm.wasm once
  const { Database } = await sqlJs;
  const db = new Database();
  db.run('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE)');
  return db;
}

/** Inserts users `first` … `first + count - 1`, named `user <id>`, in one statement. */
export function insertUsers(db: Database, count: number, first = 1): void {
  db.run(
    `WITH RECURSIVE ids(id) AS (SELECT ? UNION ALL SELECT id + 1 FROM ids WHERE id < ?)
     INSERT INTO users (id, name, email) SELECT id, 'user ' || id, 'user' || id || '@example.com' FROM ids`,
    [first, first + count - 1],
  );
}
