// Type test: a consumer importing every subpath by package name. Compiled under each
// moduleResolution users have (node16, nodenext, bundler) by `npm run check:types`, against dist/.
import {
  canBeHeldWeakly,
  finalize,
  IterableWeakMap,
  IterableWeakSet,
  proxy,
  type Ref,
  ref,
  WeakValueMap,
  weakMethod,
} from 'weakkit';
import { memoize, WeakCache } from 'weakkit/cache';
import { IdentityConflictError, IdentityMap } from 'weakkit/identity';
import { addWeakListener, Signal } from 'weakkit/signal';
import { collectGarbage, expectCollected, isCollected } from 'weakkit/testing';

class User {
  constructor(readonly name: string) {}
  greet(): string {
    return `hi ${this.name}`;
  }
}

const user = new User('Ann');
const r: Ref<User> = ref(user);
const name: string | undefined = r()?.name;
const f = finalize(user, (id: number) => id * 2, 21);
const doubled: number | undefined = f();
const p: User = proxy(user);
const greet: (() => string) | undefined = weakMethod(user, 'greet')();
const values = new WeakValueMap<string, User>([['ann', user]]);
const keys = new IterableWeakMap<User, number>([[user, 1]]);
const members = new IterableWeakSet<User>([user]);
const maybe: unknown = 42;
if (canBeHeldWeakly(maybe)) new WeakRef(maybe as object);
await collectGarbage({ rounds: 1 });

const cache = new WeakCache<string, User>({ max: 10, load: (id) => new User(id) });
const loaded: Promise<User> = cache.fetch('ann');
const greetOf = memoize((u: User) => u.greet());
const saved = new Signal<[user: User]>({ name: 'saved' });
const connection = saved.connect((u) => u.greet(), { owner: user });
saved.emit(user);
const listener = addWeakListener(new EventTarget(), 'ping', () => {}, user);
listener.dispose();
const identities = new IdentityMap<string, User>({ key: (u) => u.name });
identities.add(user);
const conflict: boolean = new Error() instanceof IdentityConflictError;
const gone: boolean = isCollected(r);
await expectCollected(ref({}));

export { conflict, connection, doubled, gone, greet, greetOf, keys, loaded, members, name, p, values };
