import { describe, expect, it } from 'vitest';
import { IdentityConflictError, IdentityMap, type PendingChanges } from '../../src/identity/index.js';
import { collectGarbage } from '../../src/testing/index.js';
import { collectWithoutReporting, macrotask } from '../support/gc.js';

class User {
  constructor(
    readonly id: number,
    public name = `user ${id}`,
  ) {}
}

const newMap = () => new IdentityMap<number, User>({ key: (user) => user.id });

/** Maps a fresh user with `how` and returns only a WeakRef to it (the GC-test rule: no live locals). */
function mapDropped(
  map: IdentityMap<number, User>,
  id: number,
  how: 'add' | 'markNew' | 'markDirty' | 'markDeleted',
): WeakRef<User> {
  const user = new User(id);
  map[how](user);
  return new WeakRef(user);
}

const ids = (users: readonly User[]) => users.map((user) => user.id);
const idsOf = (changes: PendingChanges<User>) => ({
  new: ids(changes.new),
  dirty: ids(changes.dirty),
  deleted: ids(changes.deleted),
});

describe('IdentityMap: one object per key', () => {
  it('maps an added entity under its key, with get, has, size and iteration', () => {
    const map = newMap();
    const alice = map.add(new User(1, 'Alice'));
    const bob = map.add(new User(2, 'Bob'));
    expect(map.get(1)).toBe(alice);
    expect(map.has(2)).toBe(true);
    expect(map.has(3)).toBe(false);
    expect(map.get(3)).toBeUndefined();
    expect(map.size).toBe(2);
    expect([...map]).toEqual([alice, bob]);
    expect([...map.keys()]).toEqual([1, 2]);
    expect([...map.values()]).toEqual([alice, bob]);
    expect([...map.entries()]).toEqual([
      [1, alice],
      [2, bob],
    ]);
    expect(Object.prototype.toString.call(map)).toBe('[object IdentityMap]');
  });

  it('adding the mapped entity again changes nothing, and keeps its state', () => {
    const map = newMap();
    const alice = map.add(new User(1));
    map.markDirty(alice);
    expect(map.add(alice)).toBe(alice);
    expect(map.stateOf(alice)).toBe('dirty');
    expect(map.size).toBe(1);
  });

  it.each(['add', 'markNew', 'markDirty', 'markDeleted'] as const)(
    'a second object under a mapped key makes %s throw IdentityConflictError and change nothing',
    (how) => {
      const map = newMap();
      const alice = map.add(new User(1, 'Alice'));
      const copy = new User(1, 'Alice (stale copy)');
      let caught: unknown;
      try {
        map[how](copy);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(IdentityConflictError);
      const conflict = caught as IdentityConflictError;
      expect(conflict.name).toBe('IdentityConflictError');
      expect(conflict.key).toBe(1);
      expect(conflict.mapped).toBe(alice);
      expect(conflict.entity).toBe(copy);
      expect(conflict.message).toMatch(/another User is already mapped under key 1/);
      expect(map.get(1)).toBe(alice);
      expect(map.stateOf(alice)).toBe('clean');
      expect(map.stateOf(copy)).toBeUndefined();
      expect(map.pending()).toEqual({ new: [], dirty: [], deleted: [] });
    },
  );

  it('a pending deletion keeps its key until it is flushed', async () => {
    const map = newMap();
    const alice = map.add(new User(1));
    map.markDeleted(alice);
    expect(map.get(1)).toBe(alice);
    expect(() => map.markNew(new User(1))).toThrow(IdentityConflictError);
    await map.flush(() => {});
    expect(map.has(1)).toBe(false);
    const successor = new User(1);
    map.markNew(successor);
    expect(map.get(1)).toBe(successor);
  });
});

describe('IdentityMap: clean entities weak, pending ones strong', () => {
  it('a clean entity nothing else holds is collected and leaves the map', async () => {
    const map = newMap();
    const weak = mapDropped(map, 1, 'add');
    expect(map.size).toBe(1);
    await collectGarbage();
    expect(weak.deref()).toBeUndefined();
    expect(map.has(1)).toBe(false);
    expect(map.get(1)).toBeUndefined();
    expect(map.size).toBe(0);
    expect([...map]).toEqual([]);
  });

  it('new, dirty and deleted entities survive collection until a flush makes them clean or removes them', async () => {
    const map = newMap();
    const inserted = mapDropped(map, 1, 'markNew');
    const updated = mapDropped(map, 2, 'markDirty');
    const deleted = mapDropped(map, 3, 'markDeleted');
    const cleanOne = mapDropped(map, 4, 'add');
    await collectGarbage();
    expect(cleanOne.deref()).toBeUndefined();
    for (const kept of [inserted, updated, deleted]) expect(kept.deref()).toBeInstanceOf(User);
    expect(inserted.deref()).toBe(map.get(1));
    expect(updated.deref()).toBe(map.get(2));
    expect(deleted.deref()).toBe(map.get(3));
    expect(map.size).toBe(3);
    expect(idsOf(map.pending())).toEqual({ new: [1], dirty: [2], deleted: [3] });

    let seen: PendingChanges<User> | undefined;
    await map.flush((changes) => {
      seen = changes;
    });
    expect(idsOf(seen!)).toEqual({ new: [1], dirty: [2], deleted: [3] });
    seen = undefined;
    expect(map.pending()).toEqual({ new: [], dirty: [], deleted: [] });
    expect(map.has(3)).toBe(false);
    expect(map.size).toBe(2);

    await collectGarbage();
    expect(inserted.deref()).toBeUndefined();
    expect(updated.deref()).toBeUndefined();
    expect(deleted.deref()).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it('a collected clean entity is replaced by a newer one without its late cleanup removing it', async () => {
    const map = newMap();
    const weak = mapDropped(map, 1, 'add');
    await collectWithoutReporting(); // collected now; its cleanup has not run yet
    expect(weak.deref()).toBeUndefined();
    expect(map.has(1)).toBe(false);
    const successor = new User(1);
    map.add(successor); // no conflict: the mapped entity is gone
    await collectGarbage(); // the old entity's cleanup runs
    expect(map.get(1)).toBe(successor);
    expect(map.size).toBe(1);
  });

  it('an entity whose deletion was flushed never removes its successor when it is collected', async () => {
    const map = newMap();
    const weak = mapDropped(map, 1, 'markDeleted');
    await map.flush(() => {});
    const successor = new User(1);
    map.add(successor);
    await collectGarbage();
    expect(weak.deref()).toBeUndefined();
    expect(map.get(1)).toBe(successor);
    expect(map.size).toBe(1);
  });
});

describe('IdentityMap: states and marks', () => {
  it('goes new → clean, clean → dirty → clean, clean → deleted → gone', async () => {
    const map = newMap();
    const carol = new User(3);
    expect(map.stateOf(carol)).toBeUndefined();
    map.markNew(carol);
    expect(map.stateOf(carol)).toBe('new');
    expect(map.isDirty(carol)).toBe(true);
    await map.flush(() => {});
    expect(map.stateOf(carol)).toBe('clean');
    expect(map.isDirty(carol)).toBe(false);
    map.markDirty(carol);
    expect(map.stateOf(carol)).toBe('dirty');
    await map.flush(() => {});
    expect(map.stateOf(carol)).toBe('clean');
    map.markDeleted(carol);
    expect(map.stateOf(carol)).toBe('deleted');
    expect(map.isDirty(carol)).toBe(true);
    await map.flush(() => {});
    expect(map.stateOf(carol)).toBeUndefined();
    expect(map.isDirty(carol)).toBe(false);
  });

  it('a new entity marked dirty stays new; marked deleted, its insert is cancelled', () => {
    const map = newMap();
    const carol = new User(3);
    map.markNew(carol);
    map.markDirty(carol);
    map.markNew(carol);
    expect(map.stateOf(carol)).toBe('new');
    map.markDeleted(carol);
    expect(map.stateOf(carol)).toBeUndefined();
    expect(map.has(3)).toBe(false);
    expect(map.pending()).toEqual({ new: [], dirty: [], deleted: [] });
  });

  it('markDirty and markDeleted attach an unmapped entity for a row that exists', () => {
    const map = newMap();
    const alice = new User(1);
    const bob = new User(2);
    map.markDirty(alice);
    map.markDeleted(bob);
    expect(map.get(1)).toBe(alice);
    expect(map.get(2)).toBe(bob);
    expect(idsOf(map.pending())).toEqual({ new: [], dirty: [1], deleted: [2] });
  });

  it('a dirty entity can be deleted; a deleted one stays deleted', () => {
    const map = newMap();
    const alice = map.add(new User(1));
    map.markDirty(alice);
    map.markDeleted(alice);
    map.markDeleted(alice);
    expect(map.stateOf(alice)).toBe('deleted');
    expect(idsOf(map.pending())).toEqual({ new: [], dirty: [], deleted: [1] });
  });

  it.each([
    ['clean', 'markNew', /markNew: the User under key 1 is clean; its row exists already; use markDirty/],
    ['dirty', 'markNew', /markNew: the User under key 1 is dirty/],
    ['deleted', 'markNew', /markNew: the User under key 1 is deleted/],
    ['deleted', 'markDirty', /markDirty: the User under key 1 is deleted; flush it first/],
  ] as const)('a %s entity refuses %s with a TypeError', (state, how, message) => {
    const map = newMap();
    const alice = map.add(new User(1));
    if (state === 'dirty') map.markDirty(alice);
    if (state === 'deleted') map.markDeleted(alice);
    expect(() => map[how](alice)).toThrow(TypeError);
    expect(() => map[how](alice)).toThrow(message);
    expect(map.stateOf(alice)).toBe(state);
  });

  it('pending() lists each kind in the order the entities were first marked, as a snapshot', () => {
    const map = newMap();
    const users = [5, 3, 9, 1].map((id) => map.add(new User(id)));
    for (const user of users) map.markDirty(user);
    map.markDirty(users[0]!);
    const snapshot = map.pending();
    expect(ids(snapshot.dirty)).toEqual([5, 3, 9, 1]);
    map.markNew(new User(7));
    expect(ids(snapshot.new)).toEqual([]);
    expect(ids(map.pending().new)).toEqual([7]);
  });

  it('stateOf and isDirty say undefined and false for an object that does not hold its key', () => {
    const map = newMap();
    map.markDirty(new User(1));
    const copy = new User(1);
    expect(map.stateOf(copy)).toBeUndefined();
    expect(map.isDirty(copy)).toBe(false);
  });
});

describe('IdentityMap.flush', () => {
  it('hands the writer the pending changes, in marking order', async () => {
    const map = newMap();
    const [a, b, c] = [1, 2, 3].map((id) => map.add(new User(id)));
    map.markDirty(c!);
    map.markDeleted(a!);
    map.markDirty(b!);
    map.markNew(new User(10));
    map.markNew(new User(4));
    const calls: unknown[] = [];
    await map.flush((changes) => {
      calls.push(idsOf(changes));
    });
    expect(calls).toEqual([{ new: [10, 4], dirty: [3, 2], deleted: [1] }]);
  });

  it('does not call the writer when nothing is pending', async () => {
    const map = newMap();
    map.add(new User(1));
    let calls = 0;
    await map.flush(() => {
      calls++;
    });
    expect(calls).toBe(0);
  });

  it.each([
    [
      'throws',
      () => {
        throw new Error('constraint failed');
      },
    ],
    [
      'rejects',
      async () => {
        await macrotask();
        throw new Error('constraint failed');
      },
    ],
  ])('when the writer %s, nothing changes and the error propagates', async (_, writer) => {
    const map = newMap();
    const weak = {
      inserted: mapDropped(map, 1, 'markNew'),
      updated: mapDropped(map, 2, 'markDirty'),
      deleted: mapDropped(map, 3, 'markDeleted'),
    };
    await expect(map.flush(writer)).rejects.toThrow('constraint failed');
    expect(idsOf(map.pending())).toEqual({ new: [1], dirty: [2], deleted: [3] });
    expect(map.size).toBe(3);
    await collectGarbage();
    expect(map.stateOf(weak.inserted.deref()!)).toBe('new');
    expect(map.stateOf(weak.updated.deref()!)).toBe('dirty');
    expect(map.stateOf(weak.deleted.deref()!)).toBe('deleted');
    await map.flush(() => {}); // a later flush can still write them
    expect(map.pending()).toEqual({ new: [], dirty: [], deleted: [] });
  });

  it('refuses a second flush while one is running', async () => {
    const map = newMap();
    map.markNew(new User(1));
    let release!: () => void;
    const first = map.flush(() => new Promise<void>((resolve) => (release = resolve)));
    await expect(map.flush(() => {})).rejects.toThrow(/a flush is already running/);
    release();
    await first;
    expect(map.pending().new).toEqual([]);
  });

  it('keeps changes made while the writer runs for the next flush', async () => {
    const map = newMap();
    const edited = map.add(new User(1)); // dirty, edited again mid-flush
    const inserted = new User(2); // new, edited mid-flush
    const cancelled = new User(3); // new, deleted mid-flush
    const late = map.add(new User(4)); // clean, edited mid-flush
    map.markDirty(edited);
    map.markNew(inserted);
    map.markNew(cancelled);
    let seen: unknown;
    await map.flush(async (changes) => {
      seen = idsOf(changes);
      await macrotask();
      map.markDirty(edited);
      map.markDirty(inserted);
      map.markDeleted(cancelled);
      map.markDirty(late);
    });
    expect(seen).toEqual({ new: [2, 3], dirty: [1], deleted: [] });
    expect(map.stateOf(edited)).toBe('dirty');
    expect(map.stateOf(inserted)).toBe('dirty'); // its insert landed; the later edit is an update
    expect(map.stateOf(cancelled)).toBe('deleted'); // its insert landed, so its row must be deleted
    expect(map.stateOf(late)).toBe('dirty');
    expect(idsOf(map.pending())).toEqual({ new: [], dirty: [1, 2, 4], deleted: [3] });
  });

  it('after a failed flush, a new entity deleted mid-flush simply leaves the map', async () => {
    const map = newMap();
    const cancelled = new User(3);
    const edited = new User(2);
    map.markNew(cancelled);
    map.markNew(edited);
    await expect(
      map.flush(async () => {
        map.markDeleted(cancelled);
        map.markDirty(edited);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(map.stateOf(cancelled)).toBeUndefined();
    expect(map.has(3)).toBe(false);
    expect(map.stateOf(edited)).toBe('new');
    expect(idsOf(map.pending())).toEqual({ new: [2], dirty: [], deleted: [] });
  });
});

describe('IdentityMap.load', () => {
  it('returns the mapped entity without calling the loader', async () => {
    const map = newMap();
    const alice = map.add(new User(1));
    let calls = 0;
    const loaded = await map.load(1, (id) => {
      calls++;
      return new User(id);
    });
    expect(loaded).toBe(alice);
    expect(calls).toBe(0);
  });

  it('runs one loader call for concurrent loads of a key and maps its result as clean', async () => {
    const map = newMap();
    let calls = 0;
    const loader = async (id: number) => {
      calls++;
      await macrotask();
      return new User(id);
    };
    const [first, second, third] = await Promise.all([
      map.load(1, loader),
      map.load(1, loader),
      map.load(1, loader),
    ]);
    expect(calls).toBe(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(map.get(1)).toBe(first);
    expect(map.stateOf(first!)).toBe('clean');
    expect(await map.load(2, loader)).toBeInstanceOf(User);
    expect(calls).toBe(2);
  });

  it('holds a loaded entity weakly: once dropped it is collected and loaded again', async () => {
    const map = newMap();
    let calls = 0;
    const loader = (id: number) => {
      calls++;
      return new User(id);
    };
    const loadDropped = async () => new WeakRef((await map.load(1, loader))!);
    const weak = await loadDropped();
    await collectGarbage();
    expect(weak.deref()).toBeUndefined();
    expect(map.size).toBe(0);
    await loadDropped();
    expect(calls).toBe(2);
  });

  it('maps nothing when the loader finds nothing, and asks again next time', async () => {
    const map = newMap();
    let calls = 0;
    const finding = (result: undefined | null) => () => {
      calls++;
      return result;
    };
    expect(await map.load(1, finding(undefined))).toBeUndefined();
    expect(await map.load(1, finding(null))).toBeUndefined();
    expect(calls).toBe(2);
    expect(map.size).toBe(0);
  });

  it('rejects every waiter when the loader fails, maps nothing, and retries on the next load', async () => {
    const map = newMap();
    let calls = 0;
    const failing = async () => {
      calls++;
      await macrotask();
      throw new Error('connection lost');
    };
    const results = await Promise.allSettled([map.load(1, failing), map.load(1, failing)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    expect(map.has(1)).toBe(false);
    const working = () => {
      calls++;
      return new User(1);
    };
    await expect(map.load(1, working)).resolves.toBeInstanceOf(User);
    expect(calls).toBe(2);
  });

  it('returns the entity mapped while the loader ran, as SQLAlchemy keeps the identity-mapped one', async () => {
    const map = newMap();
    const pending = map.load(1, async (id) => {
      await macrotask();
      return new User(id, 'from the database');
    });
    const meanwhile = map.add(new User(1, 'added meanwhile'));
    expect(await pending).toBe(meanwhile);
    expect(map.get(1)).toBe(meanwhile);
  });

  it('rejects with a TypeError when the loader returns an entity with another key', async () => {
    const map = newMap();
    await expect(map.load(1, () => new User(2))).rejects.toThrow(
      new TypeError('IdentityMap.load: the loader for key 1 returned an entity whose key is 2'),
    );
    expect(map.size).toBe(0);
  });
});

describe('IdentityMap: bad input', () => {
  it('needs a key function', () => {
    expect(() => new IdentityMap({} as never)).toThrow(TypeError);
    expect(() => new IdentityMap(undefined as never)).toThrow(/needs a key function/);
  });

  it('refuses primitives with the weakable TypeError', () => {
    const map = new IdentityMap<string, object>({ key: String });
    expect(() => map.add(42 as never)).toThrow(
      new TypeError(
        "cannot create weak reference to 'number' value 42: a mapped entity must be an object, a function or a non-registered symbol",
      ),
    );
    expect(() => map.markNew('bob' as never)).toThrow(TypeError);
    expect(() => map.stateOf(null as never)).toThrow(/'null' value null/);
  });

  it('refuses an entity whose key is undefined or null', () => {
    const map = new IdentityMap<number | undefined, { id?: number }>({ key: (entity) => entity.id });
    expect(() => map.markNew({})).toThrow(
      new TypeError(
        'IdentityMap: the key function returned undefined for this object; an entity needs its key before it is mapped (assign its id first)',
      ),
    );
    expect(map.size).toBe(0);
  });

  it('lets an error thrown by the key function through, changing nothing', () => {
    const failure = new RangeError('no id');
    const map = new IdentityMap<number, User>({
      key: (user) => {
        if (user.name === 'bad') throw failure;
        return user.id;
      },
    });
    expect(() => map.markNew(new User(1, 'bad'))).toThrow(failure);
    expect(map.size).toBe(0);
    expect(map.pending().new).toEqual([]);
  });

  it('needs writer and loader functions', async () => {
    const map = newMap();
    await expect(map.flush(undefined as never)).rejects.toThrow(
      /flush needs a writer function, got undefined/,
    );
    await expect(map.load(1, 'loader' as never)).rejects.toThrow(/load needs a loader function, got string/);
  });
});
