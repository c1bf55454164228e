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
import { collectGarbage } from 'weakkit/testing';

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

export { doubled, greet, keys, members, name, p, values };
