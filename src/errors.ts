import { typeOf } from './type-of.js';
/**
 * Receives an exception that a user callback threw where nobody could catch it: a ref callback, a
 * finalizer, an `onCollect` hook, a signal receiver. `context` says which callback it was.
 *
 * @example
 * const logToConsole: ErrorHandler = (error, context) => console.error(`weakkit: ${context}`, error);
 * setErrorHandler(logToConsole);
 */
export type ErrorHandler = (error: unknown, context: string) => void;

const printToConsole: ErrorHandler = (error, context) => {
  console.error(`Exception ignored in ${context}:\n${render(error)}`);
};

/** The stack or text of a thrown value; never throws, since it is the last resort of a cleanup job. */
function render(error: unknown): string {
  try {
    return error instanceof Error && error.stack ? error.stack : String(error);
  } catch {
    // A null-prototype object, a throwing `toString` or `stack` getter, a revoked proxy.
    return '(a thrown value that cannot be converted to a string)';
  }
}

let handler: ErrorHandler = printToConsole;

/**
 * Replaces the reporter for exceptions thrown by callbacks that run during cleanup, and returns the
 * previous one. The default prints `Exception ignored in <context>:` and the stack to `console.error`,
 * as CPython does for weakref callbacks; nothing is ever rethrown from a cleanup job, which would
 * crash Node.
 *
 * @example
 * const previous = setErrorHandler((error, context) => logger.warn({ error, context }));
 * // ... later, to restore:
 * setErrorHandler(previous);
 */
export function setErrorHandler(next: ErrorHandler): ErrorHandler {
  if (typeof next !== 'function') {
    throw new TypeError(`setErrorHandler expects a function, got ${typeOf(next)}`);
  }
  const previous = handler;
  handler = next;
  return previous;
}

/** Hands `error` to the current handler; a handler that throws falls back to the console. @internal */
export function reportError(error: unknown, context: string): void {
  try {
    handler(error, context);
  } catch (handlerError) {
    printToConsole(handlerError, 'error handler');
    printToConsole(error, context);
  }
}

/** Runs `fn`, reporting instead of throwing if it throws. @internal */
export function callReporting<A extends unknown[], R>(
  context: string,
  fn: (...args: A) => R,
  ...args: A
): R | undefined {
  try {
    return fn(...args);
  } catch (error) {
    reportError(error, context);
    return undefined;
  }
}
