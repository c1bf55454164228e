// A small SQLAlchemy-style session over SQLite (sql.js): the repository and unit of work that
// weakkit/identity is for. Rows load into entities through one IdentityMap, so a row is one object
// however it is reached; a Proxy notices assignments and marks the entity dirty; flush() writes every
// change in one transaction. Clean entities are held weakly: load a million rows, keep ten, and the
// session holds ten.
import type { Database, SqlValue } from 'sql.js';
import { IdentityMap, type PendingChanges } from 'weakkit/identity';

/** A row as an object, column name to value; `id`, an integer, is the primary key. */
export type Entity = { id: number } & Record<string, SqlValue>;

/** A table: its name and its columns, `id` first. */
export interface Table<E extends Entity> {
  readonly name: string;
  readonly columns: readonly (keyof E & string)[];
}

/**
 * Change tracking is a `Proxy` per entity (rather than explicit setters on entity classes): entities
 * stay plain objects (`user.name = 'x'`), one handler serves every table, and assignments are
 * checked against the table's columns. Writing the value a column already has is not a change.
 */
export class Session {
  /** One identity map for every table, keyed `table:id`, as SQLAlchemy keys by class and primary key. */
  readonly identityMap = new IdentityMap<string, Entity>({ key: (entity) => this.#keyOf(entity) });
  /** The SELECT statements run so far: the identity map exists to keep this number down. */
  queries = 0;
  readonly #db: Database;
  /** Each tracked entity's table; the entities are the Proxies handed out. */
  readonly #tables = new WeakMap<Entity, Table<Entity>>();
  readonly #tracker: ProxyHandler<Entity> = {
    set: (row, column, value, entity: Entity) => {
      const table = this.#tables.get(entity)!;
      if (typeof column !== 'string' || !table.columns.includes(column)) {
        throw new TypeError(`${table.name} has no column ${String(column)}`);
      }
      if (column === 'id') throw new TypeError('a primary key cannot change: add a new row instead');
      if (Object.is(row[column], value)) return true;
      this.identityMap.markDirty(entity); // first: it throws for a deleted entity, before anything changes
      row[column] = value;
      return true;
    },
  };

  constructor(db: Database) {
    this.#db = db;
  }

  /**
   * The entity for a primary key: the mapped object if the session has it, else one SELECT, which
   * concurrent callers share. (SQLAlchemy: `session.get(User, 1)`.)
   */
  find<E extends Entity>(table: Table<E>, id: number): Promise<E | undefined> {
    return this.identityMap.load(keyOf(table, id), () => {
      const [row] = this.#query(table, 'WHERE id = ?', [id]);
      return row && this.#track(table, row);
    }) as Promise<E | undefined>;
  }

  /**
   * The rows matching `where` as entities. A row whose entity is already mapped gives that entity,
   * unsaved changes included: the identity map wins over the database, as in SQLAlchemy.
   */
  all<E extends Entity>(table: Table<E>, where = '', params: SqlValue[] = []): E[] {
    return this.#query(table, where, params).map(
      (row) =>
        (this.identityMap.get(keyOf(table, row.id)) ?? this.identityMap.add(this.#track(table, row))) as E,
    );
  }

  /** A new entity, inserted by the next flush. (SQLAlchemy: `session.add(User(...))`.) */
  add<E extends Entity>(table: Table<E>, values: E): E {
    const entity = this.#track(table, { ...values });
    this.identityMap.markNew(entity);
    return entity;
  }

  /** Deletes the entity's row at the next flush. (SQLAlchemy: `session.delete(user)`.) */
  remove(entity: Entity): void {
    this.identityMap.markDeleted(entity);
  }

  /**
   * Writes every pending change in one transaction: inserts, then updates, then deletes. If any
   * statement fails, the transaction rolls back, the error propagates, and every change stays pending.
   */
  flush(): Promise<void> {
    return this.identityMap.flush((changes) => this.#write(changes));
  }

  #write({ new: inserts, dirty: updates, deleted: deletes }: PendingChanges<Entity>): void {
    this.#db.run('BEGIN');
    try {
      for (const entity of inserts) {
        const { name, columns } = this.#tables.get(entity)!;
        this.#db.run(
          `INSERT INTO ${name} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          columns.map((column) => entity[column]!),
        );
      }
      for (const entity of updates) {
        const { name, columns } = this.#tables.get(entity)!;
        const changed = columns.filter((column) => column !== 'id');
        this.#db.run(
          `UPDATE ${name} SET ${changed.map((column) => `${column} = ?`).join(', ')} WHERE id = ?`,
          [...changed.map((column) => entity[column]!), entity.id],
        );
        this.#expectOneRow('UPDATE', name, entity.id);
      }
      for (const entity of deletes) {
        const { name } = this.#tables.get(entity)!;
        this.#db.run(`DELETE FROM ${name} WHERE id = ?`, [entity.id]);
        this.#expectOneRow('DELETE', name, entity.id);
      }
      this.#db.run('COMMIT');
    } catch (error) {
      this.#db.run('ROLLBACK');
      throw error;
    }
  }

  /** SQLAlchemy's StaleDataError: the row changed under the session. */
  #expectOneRow(statement: string, table: string, id: number): void {
    if (this.#db.getRowsModified() !== 1)
      throw new Error(`${statement} ${table}: row ${id} no longer exists`);
  }

  #query<E extends Entity>(table: Table<E>, where: string, params: SqlValue[]): E[] {
    this.queries++;
    const statement = this.#db.prepare(`SELECT ${table.columns.join(', ')} FROM ${table.name} ${where}`);
    try {
      statement.bind(params);
      const rows: E[] = [];
      while (statement.step()) rows.push(statement.getAsObject() as E);
      return rows;
    } finally {
      statement.free();
    }
  }

  #track<E extends Entity>(table: Table<E>, row: E): E {
    const entity = new Proxy<Entity>(row, this.#tracker) as E;
    this.#tables.set(entity, table as unknown as Table<Entity>);
    return entity;
  }

  #keyOf(entity: Entity): string {
    const table = this.#tables.get(entity);
    if (table === undefined)
      throw new TypeError('not an entity of this session: use session.add(table, values)');
    return keyOf(table, entity.id);
  }
}

function keyOf(table: { readonly name: string }, id: number): string {
  return `${table.name}:${id}`;
}
