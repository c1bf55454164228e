import { IterableWeakMap, IterableWeakSet, WeakValueMap } from 'weakkit';
import { collectGarbage } from 'weakkit/testing';
import { event, heading, say, show } from '../show.js';

class User {
  constructor(readonly name: string) {}
}

class Session {
  constructor(readonly user: string) {}
}

export default async function collections(): Promise<void> {
  heading('A cache that cleans itself: WeakValueMap');
  say("Python's WeakValueDictionary: values are held weakly, and their entries vanish with them.");
  const cache = new WeakValueMap<string, User>(null, { onCollect: (key) => event(`entry '${key}' removed`) });
  let bob: User | undefined = new User('bob');
  cache.set('bob', bob);
  show("const cache = new WeakValueMap<string, User>(); cache.set('bob', bob)");
  show("cache.has('bob')   // Python: 'bob' in cache", cache.has('bob'));
  bob = undefined;
  show('bob = undefined; await collectGarbage()');
  await collectGarbage();
  show("cache.has('bob')", cache.has('bob'));
  show('cache.size', cache.size);

  heading('Membership without ownership: IterableWeakSet');
  say("Python's WeakSet: track every live session without keeping any of them alive.");
  const activeSessions = new IterableWeakSet<Session>();
  let session: Session | undefined = new Session('alice');
  activeSessions.add(session);
  show('const activeSessions = new IterableWeakSet<Session>(); activeSessions.add(session)');
  show('activeSessions.size', activeSessions.size);
  session = undefined;
  show('session = undefined; await collectGarbage()');
  await collectGarbage();
  show('activeSessions.size', activeSessions.size);

  heading('Data about objects you do not own: IterableWeakMap');
  say("Python's WeakKeyDictionary, iterable, and ephemeron-correct: a value that points back at its");
  say('key does not keep the entry alive (in Python it leaks).');
  const metadata = new IterableWeakMap<object, { owner: object; clicks: number }>();
  addButton(metadata);
  show('const button = {}; metadata.set(button, { owner: button, clicks: 0 })   // value → key');
  show('metadata.size', metadata.size);
  show('// button dropped; await collectGarbage()');
  await collectGarbage();
  show('metadata.size', metadata.size);
}

function addButton(metadata: IterableWeakMap<object, { owner: object; clicks: number }>): void {
  const button = {};
  metadata.set(button, { owner: button, clicks: 0 });
}
