// GC helpers for tests, on every runtime (docs/runtimes.md): a real event-loop turn, a forced
// collection, a collection whose cleanup has not run yet, and whether symbols can be weak targets.

/** One macrotask: ends the current job, so `WeakRef`s it made or dereferenced may be cleared. */
export const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** A full collection, now: `Bun.gc(true)` on Bun, else the `gc` that `--expose-gc` exposes. */
export function forceGc(): void {
  const g = globalThis as { Bun?: { gc(force: boolean): void }; gc?: () => void };
  if (g.Bun !== undefined) g.Bun.gc(true);
  else if (g.gc !== undefined) g.gc();
  else throw new Error('the core tests need an exposed gc (--expose-gc)');
}

/**
 * Collects garbage and returns before any `FinalizationRegistry` callback runs: targets that nothing
 * holds are then *collected but not reported* (GC-TESTING.md). Check them synchronously after the await.
 */
export async function collectWithoutReporting(): Promise<void> {
  await macrotask();
  forceGc();
}

/** Whether this runtime takes non-registered symbols as weak targets (ES2023; Node 20 does). */
export const symbolsAreWeakTargets: boolean = (() => {
  try {
    new WeakRef(Symbol('probe') as unknown as object);
    return true;
  } catch {
    return false;
  }
})();

/**
 * Keeps `values` alive up to this call. JavaScriptCore (Bun) saves in a suspended async function only
 * the locals it reads after the `await`, so whatever a test needs to survive a collection must be read
 * after it (docs/runtimes.md): this says so where no assertion reads it.
 */
export function keepAlive(..._values: unknown[]): void {}
