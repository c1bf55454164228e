import { type Connection, skipped } from './connection.js';

/**
 * One receiver's outcome in `emitRobust`: what it returned, or what it threw.
 *
 * @example
 * const saved = new Signal<[title: string]>();
 * saved.connect((title) => title.toUpperCase());
 * const [result] = saved.emitRobust('notes.md');
 * if (result && 'value' in result) console.log(result.value); // 'NOTES.MD'
 */
export type EmitResult =
  | { receiver: (...args: any[]) => unknown; value: unknown }
  | { receiver: (...args: any[]) => unknown; error: unknown };

/**
 * Runs every receiver in order, then throws the first error, or an `AggregateError` of all of them
 * when several threw. Only the first `receivers.length` as of the call run, so that receivers
 * connected meanwhile wait for the next emit (see `ReceiverList` for who may change the array).
 * @internal
 */
export function emitTo(receivers: readonly Connection[], args: unknown[], label: string): void {
  let errors: unknown[] | undefined;
  for (let i = 0, count = receivers.length; i < count; i++) {
    try {
      receivers[i]!.call(args);
    } catch (error) {
      errors ??= [];
      errors.push(error);
    }
  }
  if (errors !== undefined) {
    throw errors.length === 1
      ? errors[0]
      : new AggregateError(errors, `${errors.length} receivers of ${label} threw`);
  }
}

/** Runs every receiver in order and returns what each returned or threw; never throws. @internal */
export function emitRobustTo(receivers: readonly Connection[], args: unknown[]): EmitResult[] {
  const results: EmitResult[] = [];
  for (let i = 0, count = receivers.length; i < count; i++) {
    const connection = receivers[i]!;
    const receiver = connection.receiverFunction();
    if (receiver === undefined) continue;
    try {
      const value = connection.call(args);
      if (value !== skipped) results.push({ receiver, value });
    } catch (error) {
      results.push({ receiver, error });
    }
  }
  return results;
}
