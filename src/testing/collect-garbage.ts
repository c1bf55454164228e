/**
 * Options for {@link collectGarbage}.
 *
 * @example
 * const options: CollectGarbageOptions = { rounds: 4 }; // cleanups that free more objects
 * await collectGarbage(options);
 */
export interface CollectGarbageOptions {
  /**
   * Full collections to run, each followed by the cleanup callbacks it caused. Raise it when a
   * cleanup callback drops the last reference to another weakly held object. Default 2.
   */
  rounds?: number;
}

type GcFunction = () => void;
let cachedGc: GcFunction | undefined;

/**
 * The runtime's way to force a full collection: `Bun.gc(true)`, an exposed `gc` (Node or Deno with
 * `--expose-gc`, Chromium with `--js-flags=--expose-gc`), or, on Node and Deno without the flag,
 * V8's `gc` switched on at run time and fetched from a fresh `node:vm` context.
 */
async function resolveGc(): Promise<GcFunction> {
  cachedGc ??= await findGc();
  return cachedGc;
}

async function findGc(): Promise<GcFunction> {
  const g = globalThis as {
    Bun?: { gc?: (force: boolean) => void };
    gc?: () => void;
    process?: { versions?: { node?: string } };
  };
  const bun = g.Bun;
  if (typeof bun?.gc === 'function') return () => bun.gc?.(true);
  if (typeof g.gc === 'function') return g.gc.bind(g);
  if (g.process?.versions?.node !== undefined) {
    const v8 = await import('node:v8');
    const vm = await import('node:vm');
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as GcFunction;
  }
  throw new Error(
    'collectGarbage: this runtime offers no way to force garbage collection; ' +
      'start Chromium with --js-flags=--expose-gc, Node or Deno with --expose-gc',
  );
}

/**
 * A real turn of the event loop, running `task` in it: a microtask is not enough for a `WeakRef` made
 * in this job to let go. `setImmediate` where it exists (Node, Bun) is a few times quicker than
 * `setTimeout(0)`.
 */
const macrotask = (task?: () => void): Promise<void> =>
  new Promise((resolve) => {
    const run = () => {
      task?.();
      resolve();
    };
    typeof setImmediate === 'function' ? setImmediate(run) : setTimeout(run, 0);
  });

/**
 * JavaScriptCore (Bun) scans the machine stack conservatively: a stale copy of an object's address,
 * left in a stack slot by an earlier task, keeps that object alive through a forced collection.
 * Calls made straight from a fresh task overwrite those slots; V8 (Node, Deno, Chromium) scans
 * precisely and needs none of this.
 */
const scansStackConservatively = typeof (globalThis as { Bun?: unknown }).Bun === 'object';

/** Not a tail call: JavaScriptCore would reuse one frame for a proper tail call. */
function overwriteStack(depth = 64): number {
  return depth === 0 ? 0 : overwriteStack(depth - 1) + 1;
}

/**
 * A sentinel per round tells when the runtime has run the cleanup jobs that the collection queued;
 * this registry must stay reachable (Bun collects an unreachable registry with its callbacks).
 */
const sentinels = new FinalizationRegistry<() => void>((reported) => reported());
const maxTurnsToWait = 50;

async function collectOnce(gc: GcFunction): Promise<void> {
  let reported = false;
  sentinels.register({}, () => {
    reported = true;
  });
  // End the current job, so that WeakRefs it made or dereferenced may be cleared.
  await macrotask(scansStackConservatively ? overwriteStack : undefined);
  gc();
  for (let turn = 0; !reported && turn < maxTurnsToWait; turn++) await macrotask();
  await macrotask(); // let cleanup jobs queued behind the sentinel's run too
}

/**
 * Forces full garbage collections and waits until `WeakRef`s are cleared and `FinalizationRegistry`
 * callbacks (weakkit's cleanups among them) have run. Works on Node with or without `--expose-gc`,
 * on Deno, on Bun, and in Chromium started with `--js-flags=--expose-gc`.
 *
 * Whatever a test wants collected must not be held by the test itself when this runs: create it in a
 * helper function, not as a live local of the async test body. On Bun, run the tests with
 * `BUN_JSC_useDFGJIT=0`: with JavaScriptCore's DFG compiler on, a dropped object now and then
 * survives every forced collection (docs/runtimes.md).
 *
 * @example
 * const r = makeRef();        // a helper that creates the target and returns ref(target)
 * await collectGarbage();
 * expect(r()).toBeUndefined();
 */
export async function collectGarbage(options: CollectGarbageOptions = {}): Promise<void> {
  const { rounds = 2 } = options;
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new TypeError(`collectGarbage: rounds must be a positive integer, got ${String(rounds)}`);
  }
  const gc = await resolveGc();
  for (let i = 0; i < rounds; i++) await collectOnce(gc);
}
