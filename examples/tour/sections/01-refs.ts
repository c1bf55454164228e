import { finalize, ref } from 'weakkit';
import { collectGarbage } from 'weakkit/testing';
import { event, heading, say, show } from '../show.js';

class User {
  constructor(readonly name: string) {}
}

export default async function refs(): Promise<void> {
  heading('Weak references: ref()');
  say('A weak reference lets you reach an object without keeping it alive.');
  let user: User | undefined = new User('Alice');
  const weakUser = ref(user);
  show("let user = new User('Alice'); const weakUser = ref(user)");
  show('weakUser()', weakUser());
  show('weakUser.alive', weakUser.alive);
  user = undefined;
  show('user = undefined   // drop the last strong reference');
  await collectGarbage();
  show('await collectGarbage()');
  show('weakUser()', weakUser());
  show('weakUser.alive', weakUser.alive);

  heading('Cleanup when an object dies: finalize()');
  let charlie: User | undefined = new User('Charlie');
  const cleanup = finalize(charlie, (name: string) => event(`${name} is being cleaned up`), charlie.name);
  show("finalize(charlie, (name) => console.log(name + ' is being cleaned up'), charlie.name)");
  show('cleanup.alive', cleanup.alive);
  charlie = undefined;
  show('charlie = undefined; await collectGarbage()');
  await collectGarbage();
  show('cleanup.alive', cleanup.alive);

  heading('Breaking a parent ↔ child cycle with a weak back-reference');
  say('The child reaches its parent through a ref, so the child never keeps the parent alive.');
  const parentRef = makeFamily();
  show('const child = new Node("child"); child.parent = ref(parent); parent.children.push(child)');
  show('parentRef()?.children[0].parent()?.name', parentRef()?.children[0]?.parent?.()?.name);
  show('parent = undefined; await collectGarbage()');
  await collectGarbage();
  show('parentRef()', parentRef());

  heading('What cannot be weakly referenced');
  say('Primitives have no identity to watch, and registered symbols live forever:');
  for (const [code, value] of [
    ['ref(42)', 42],
    ["ref('bob')", 'bob'],
    ["ref(Symbol.for('app.id'))", Symbol.for('app.id')],
  ] as const) {
    try {
      ref(value as unknown as object);
    } catch (error) {
      show(code, `${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}

interface TreeNode {
  name: string;
  parent: (() => TreeNode | undefined) | undefined;
  children: TreeNode[];
}

/** Builds a parent with a child whose back-reference is weak; returns a ref to the parent only. */
function makeFamily() {
  const parent: TreeNode = { name: 'parent', parent: undefined, children: [] };
  const child: TreeNode = { name: 'child', parent: ref(parent), children: [] };
  parent.children.push(child);
  return ref(parent);
}
