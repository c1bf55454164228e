/**
 * One load that several callers wait on, each with its own optional `AbortSignal`.
 *
 * - The load starts in a microtask, so a loader that throws synchronously rejects like one that
 *   rejects, and the owner can register this load before the loader runs.
 * - A caller whose signal aborts stops waiting at once: its promise rejects with the signal's reason.
 * - The loader's own signal aborts only when every caller has aborted (a caller without a signal
 *   never does), because until then somebody still wants the value. `onAbandon` runs just before,
 *   so the owner can forget this load and let the next caller start a fresh one.
 *
 * @internal
 * @example
 * const loads = new Map<string, SharedLoad<unknown>>();
 * const first = new AbortController();
 * const shared = new SharedLoad((signal) => fetchJson(url, { signal }), () => loads.delete(url));
 * loads.set(url, shared);
 * const a = shared.join(first.signal);
 * const b = shared.join(); // same load; aborting `first` leaves `b` waiting and the load running
 */
export class SharedLoad<V> {
  readonly #controller = new AbortController();
  readonly #result: Promise<V>;
  readonly #onAbandon: () => void;
  #waiting = 0;

  constructor(load: (signal: AbortSignal) => V | PromiseLike<V>, onAbandon: () => void) {
    this.#onAbandon = onAbandon;
    const { signal } = this.#controller;
    this.#result = Promise.resolve().then(() => load(signal));
  }

  /**
   * A promise for the loaded value, rejected early with `signal.reason` if `signal` aborts first.
   * `signal` must not be aborted yet (the owner answers an aborted caller without joining).
   */
  join(signal?: AbortSignal): Promise<V> {
    this.#waiting++;
    if (signal === undefined) return this.#result;
    return new Promise<V>((resolve, reject) => {
      const leave = (): void => {
        reject(signal.reason);
        if (--this.#waiting > 0) return;
        this.#onAbandon();
        this.#controller.abort(signal.reason);
      };
      signal.addEventListener('abort', leave, { once: true });
      this.#result.then(
        (value) => {
          signal.removeEventListener('abort', leave);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave);
          reject(error);
        },
      );
    });
  }
}
