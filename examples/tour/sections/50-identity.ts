import { type Ref, ref } from 'weakkit';
import { collectGarbage } from 'weakkit/testing';
import { insertUsers, openDatabase, Session, type User, users } from '../../identity-sqlite/index.js';
import { heading, say, show } from '../show.js';

export default async function identity(): Promise<void> {
  heading('An identity map over SQLite: weakkit/identity');
  say('SQLAlchemy keeps one object per database row in its session: clean objects are held weakly,');
  say('new, changed and deleted ones strongly until they are flushed. The same rules, over a real SQLite');
  say('database (sql.js: SQLite in WebAssembly) with the session in examples/identity-sqlite.');
  const db = await openDatabase();
  insertUsers(db, 3);
  const session = new Session(db);
  show('const session = new Session(db)   // an in-memory SQLite database with 3 users');

  const aliceRef = await loadTwice(session);
  show('session.identityMap.size', session.identityMap.size);
  say('Nothing but the session refers to Alice now. Drop her, collect, and the session lets go:');
  show('alice = undefined; await collectGarbage()');
  await collectGarbage();
  show('aliceRef.alive', aliceRef.alive);
  show('session.identityMap.size', session.identityMap.size);
  show(
    '(await session.find(users, 1))?.name   // loaded again from SQLite',
    (await session.find(users, 1))?.name,
  );
  show('session.queries', session.queries);

  heading('Unsaved changes are never collected');
  const bobRef = await renameBob(session);
  show('bob = undefined; await collectGarbage()');
  await collectGarbage();
  show('bobRef.alive   // the session holds a dirty entity strongly', bobRef.alive);
  show("session.identityMap.get('users:2')?.name", session.identityMap.get('users:2')?.name);
  show('await session.flush()   // one transaction: UPDATE users SET name = ?, email = ? WHERE id = ?');
  await session.flush();
  show(
    "db.exec('SELECT name FROM users WHERE id = 2')[0].values",
    db.exec('SELECT name FROM users WHERE id = 2')[0]?.values,
  );
  say('Flushed, Bob is clean again, so weak again:');
  show('await collectGarbage()');
  await collectGarbage();
  show('bobRef.alive', bobRef.alive);
  show("session.identityMap.has('users:2')", session.identityMap.has('users:2'));
}

/** Loads Alice twice and returns only a weak ref to her, so the tour itself holds nothing. */
async function loadTwice(session: Session): Promise<Ref<User>> {
  const alice = (await session.find(users, 1))!;
  show('let alice = await session.find(users, 1)   // SELECT ... WHERE id = 1', alice);
  show(
    '(await session.find(users, 1)) === alice   // the same object, no query',
    (await session.find(users, 1)) === alice,
  );
  show('session.queries', session.queries);
  show('const aliceRef = ref(alice)   // a weak ref, to watch her');
  return ref(alice);
}

/** Loads Bob and renames him (the entity's Proxy marks him dirty); returns only a weak ref. */
async function renameBob(session: Session): Promise<Ref<User>> {
  const bob = (await session.find(users, 2))!;
  bob.name = 'Robert';
  show("let bob = await session.find(users, 2); bob.name = 'Robert'");
  show('session.identityMap.stateOf(bob)', session.identityMap.stateOf(bob));
  show('const bobRef = ref(bob)');
  return ref(bob);
}
