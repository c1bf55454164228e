import { type CollectGarbageOptions, collectGarbage } from './collect-garbage.js';
import { formatRetainers } from './format-retainers.js';
import { derefHandle, describeObject, isCollected, type WeakHandle } from './is-collected.js';
import type { RetainerPath } from './retainer-path.js';
import { type WhyAliveOptions, whyAlive } from './why-alive.js';

/**
 * Options for {@link expectCollected} and the `toBeCollected` matcher.
 *
 * @example
 * const options: ExpectCollectedOptions = { rounds: 3, retainers: { maxPaths: 1 } };
 * await expectCollected(ref(makeWidget()), options);
 * await expectCollected(ref(makeWidget()), { retainers: false }); // fail fast, no heap snapshot
 */
export interface ExpectCollectedOptions extends CollectGarbageOptions {
  /**
   * How to look for what holds the object when it is still alive (see {@link whyAlive}), or `false`
   * to fail at once without a heap snapshot. Default `{ maxPaths: 3, timeout: 10_000 }`.
   */
  retainers?: WhyAliveOptions | false;
}

const defaultRetainers: WhyAliveOptions = { maxPaths: 3, timeout: 10_000 };

/**
 * Forces garbage collection and resolves if the object behind `handle` is gone; otherwise rejects
 * with an `Error` that says what still holds it: the `whyAlive` retainer paths on Node, a note
 * elsewhere.
 *
 * @example
 * const r = ref(openDialog());   // create the object in a helper, not as a local of the test
 * closeDialog();
 * await expectCollected(r);
 * // Error: expected a Dialog to be collected, but it is still alive. What holds it:
 * //   (module) src/dialogs.ts → openDialogs (Set) → member → Dialog
 */
export async function expectCollected(
  handle: WeakHandle,
  options: ExpectCollectedOptions = {},
): Promise<void> {
  derefHandle(handle, 'expectCollected'); // a bad handle fails before any collection
  const { retainers = defaultRetainers, ...collectOptions } = options;
  await collectGarbage(collectOptions);
  if (isCollected(handle)) return;
  const found = await findHolders(handle, retainers);
  if (isCollected(handle)) return; // the snapshot's own full collection took it
  throw new Error(`expected ${found.what} to be collected, but it is still alive.${found.report}`);
}

interface Holders {
  what: string;
  report: string;
}

/**
 * Not async on purpose: the object is only ever in this frame, which is gone before the heap
 * snapshot is taken, so that the caller's own reference does not show up as a holder.
 */
function findHolders(handle: WeakHandle, retainers: WhyAliveOptions | false): Promise<Holders> {
  const target = derefHandle(handle, 'expectCollected');
  if (target === undefined) return Promise.resolve({ what: 'the object', report: '' });
  const what = describeObject(target);
  if (retainers === false) return Promise.resolve({ what, report: '' });
  return holdersReport(whyAlive(target, retainers)).then((report) => ({ what, report }));
}

async function holdersReport(paths: Promise<RetainerPath[]>): Promise<string> {
  try {
    const found = await paths;
    if (found.length === 0) return ' No strong path from a GC root leads to it in a heap snapshot.';
    return ` What holds it:\n${indent(formatRetainers(found))}`;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return ` (What holds it is unknown: ${reason}.)`;
  }
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
