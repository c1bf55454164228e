// weakkit/identity over a real SQLite database (sql.js), through the example session in
// examples/identity-sqlite, which imports the package as 'weakkit/identity'.
import type { Database } from 'sql.js';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  insertUsers,
  openDatabase,
  Session,
  type User,
  users,
} from '../../examples/identity-sqlite/index.js';
import { collectGarbage } from '../../src/testing/index.js';

let db: Database;
let session: Session;

beforeEach(async () => {
  db = await openDatabase();
  insertUsers(db, 3);
  session = new Session(db);
});

/** The row as the database has it, read past the session. */
function row(id: number): unknown[] | undefined {
  return db.exec('SELECT id, name, email FROM users WHERE id = ?', [id])[0]?.values[0];
}

/** Loads a user and keeps only a WeakRef to it. */
async function loadDropped(id: number): Promise<WeakRef<User>> {
  return new WeakRef((await session.find(users, id))!);
}

/** Loads a user, renames it, and keeps only a WeakRef to it. */
async function renameDropped(id: number, name: string): Promise<WeakRef<User>> {
  const user = (await session.find(users, id))!;
  user.name = name;
  return new WeakRef(user);
}

describe('weakkit/identity over SQLite', () => {
  it('gives the same object for the same row, however it is loaded', async () => {
    const first = await session.find(users, 1);
    expect(first).toEqual({ id: 1, name: 'user 1', email: 'user1@example.com' });
    expect(await session.find(users, 1)).toBe(first);
    expect(session.queries).toBe(1); // the second find did not touch the database
    const everyone = session.all(users, 'ORDER BY id');
    expect(everyone[0]).toBe(first);
    expect(everyone.map((user) => user.id)).toEqual([1, 2, 3]);
    expect(session.all(users, 'WHERE email = ?', ['user1@example.com'])).toEqual([first]);
    expect(session.all(users, 'WHERE email = ?', ['user1@example.com'])[0]).toBe(first);
  });

  it('runs one query for concurrent loads of one row', async () => {
    const loaded = await Promise.all([
      session.find(users, 2),
      session.find(users, 2),
      session.find(users, 2),
    ]);
    expect(session.queries).toBe(1);
    expect(loaded[1]).toBe(loaded[0]);
    expect(loaded[2]).toBe(loaded[0]);
  });

  it('lets a dropped clean entity be collected, and reloads it from the database', async () => {
    const weak = await loadDropped(1);
    expect(session.identityMap.size).toBe(1);
    await collectGarbage();
    expect(weak.deref()).toBeUndefined();
    expect(session.identityMap.size).toBe(0);
    expect(await session.find(users, 1)).toEqual({ id: 1, name: 'user 1', email: 'user1@example.com' });
    expect(session.queries).toBe(2);
  });

  it('keeps a dirty entity the caller dropped until its change reaches the database on flush', async () => {
    const weak = await renameDropped(2, 'Bob');
    await collectGarbage();
    expect(weak.deref()?.name).toBe('Bob');
    expect(session.identityMap.isDirty(weak.deref()!)).toBe(true);
    expect(row(2)).toEqual([2, 'user 2', 'user2@example.com']);
    await session.flush();
    expect(row(2)).toEqual([2, 'Bob', 'user2@example.com']);
    await collectGarbage(); // clean now, so weak again
    expect(weak.deref()).toBeUndefined();
    expect(session.identityMap.size).toBe(0);
  });

  it('rolls back a flush that violates a constraint, and keeps every change pending', async () => {
    const alice = (await session.find(users, 1))!;
    const bob = (await session.find(users, 2))!;
    const carol = session.add(users, { id: 10, name: 'Carol', email: 'carol@example.com' });
    bob.email = alice.email; // emails are UNIQUE
    await expect(session.flush()).rejects.toThrow(/UNIQUE constraint failed: users.email/);
    expect(row(10)).toBeUndefined(); // Carol's insert ran first, and was rolled back
    expect(row(2)).toEqual([2, 'user 2', 'user2@example.com']);
    expect(session.identityMap.stateOf(bob)).toBe('dirty');
    expect(session.identityMap.stateOf(carol)).toBe('new');

    bob.email = 'bob@example.com';
    await session.flush();
    expect(row(2)).toEqual([2, 'user 2', 'bob@example.com']);
    expect(row(10)).toEqual([10, 'Carol', 'carol@example.com']);
    expect(session.identityMap.pending()).toEqual({ new: [], dirty: [], deleted: [] });
  });

  it('deletes a removed entity on flush, and the row is gone from the map and the database', async () => {
    const carol = session.add(users, { id: 10, name: 'Carol', email: 'carol@example.com' });
    await session.flush();
    session.remove(carol);
    expect(session.identityMap.stateOf(carol)).toBe('deleted');
    expect(() => {
      carol.name = 'too late';
    }).toThrow(/markDirty: .* is deleted/);
    expect(carol.name).toBe('Carol');
    await session.flush();
    expect(row(10)).toBeUndefined();
    expect(session.identityMap.has('users:10')).toBe(false);
    expect(await session.find(users, 10)).toBeUndefined();
  });

  it('prefers the mapped entity, unsaved changes included, over the row in the database', async () => {
    const alice = (await session.find(users, 1))!;
    alice.name = 'Alice (unsaved)';
    const [reloaded] = session.all(users, 'WHERE id = 1');
    expect(reloaded).toBe(alice);
    expect(reloaded?.name).toBe('Alice (unsaved)');
  });

  it('refuses a second object for a mapped row, and a flush whose row vanished', async () => {
    const alice = (await session.find(users, 1))!;
    expect(() => session.add(users, { id: 1, name: 'Alice again', email: 'again@example.com' })).toThrow(
      /another object is already mapped under key "users:1"/,
    );
    db.run('DELETE FROM users WHERE id = 1'); // behind the session's back
    alice.name = 'Alice';
    await expect(session.flush()).rejects.toThrow('UPDATE users: row 1 no longer exists');
    expect(session.identityMap.stateOf(alice)).toBe('dirty');
  });

  it('checks assignments against the table', async () => {
    const alice = (await session.find(users, 1))!;
    expect(() => {
      (alice as Record<string, unknown>).nmae = 'typo';
    }).toThrow(new TypeError('users has no column nmae'));
    expect(() => {
      alice.id = 7;
    }).toThrow(/a primary key cannot change/);
    alice.name = 'user 1'; // the value it already has: not a change
    expect(session.identityMap.isDirty(alice)).toBe(false);
  });
});
