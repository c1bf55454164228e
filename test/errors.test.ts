import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { type ErrorHandler, finalize, proxy, ref, setErrorHandler } from '../src/index.js';
import { collectGarbage } from '../src/testing/index.js';

const defaultHandler = setErrorHandler(() => {});
setErrorHandler(defaultHandler);

/** Handles the test keeps, so their callbacks may run; never the targets. */
let keep: unknown[] = [];
let consoleError: MockInstance<typeof console.error>;

beforeEach(() => {
  keep = [];
  consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  setErrorHandler(defaultHandler);
  vi.restoreAllMocks();
});

/** Attaches a ref with `callback` to a target nothing holds, keeping only the ref. */
function dropTargetWithRefCallback(callback: (r: unknown) => void): void {
  const target = {};
  keep.push(ref(target, callback));
}

function dropTargetWithFinalizer(fn: () => void): void {
  finalize({}, fn);
}

let thrown: Error | undefined;
function boom(): never {
  thrown = new Error('boom');
  throw thrown;
}

describe('the default reporter', () => {
  it('prints "Exception ignored in <context>:" and the stack to console.error', async () => {
    dropTargetWithRefCallback(boom);
    await collectGarbage();
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(consoleError).toHaveBeenCalledWith(
      `Exception ignored in weak reference callback 'boom':\n${thrown?.stack}`,
    );
    expect(thrown?.stack).toContain('Error: boom');
  });

  it('names finalizers and anonymous callbacks in the context', async () => {
    dropTargetWithFinalizer(function closeHandle() {
      throw new Error('close failed');
    });
    dropTargetWithRefCallback(() => {
      throw new Error('nameless');
    });
    await collectGarbage();
    const messages = consoleError.mock.calls.map((call) => String(call[0]));
    expect(messages).toHaveLength(2);
    expect(messages).toContainEqual(
      expect.stringMatching(/^Exception ignored in finalizer 'closeHandle':\nError: close failed\n/),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^Exception ignored in weak reference callback \(anonymous\):\nError: nameless\n/,
      ),
    );
  });

  it('prints a thrown non-Error as text', async () => {
    dropTargetWithRefCallback(function throwsText() {
      throw 'plain text';
    });
    await collectGarbage();
    expect(consoleError).toHaveBeenCalledWith(
      "Exception ignored in weak reference callback 'throwsText':\nplain text",
    );
  });

  it('copes with a thrown value that cannot become a string', async () => {
    dropTargetWithRefCallback(function throwsNullPrototype() {
      throw Object.create(null);
    });
    await collectGarbage();
    expect(consoleError).toHaveBeenCalledWith(
      "Exception ignored in weak reference callback 'throwsNullPrototype':\n" +
        '(a thrown value that cannot be converted to a string)',
    );
  });

  it('copes with a callback whose name getter throws', async () => {
    const callback = () => {
      throw new Error('inner');
    };
    Object.defineProperty(callback, 'name', {
      get() {
        throw new Error('no name');
      },
    });
    dropTargetWithRefCallback(callback);
    await collectGarbage();
    expect(consoleError).toHaveBeenCalledTimes(1);
    expect(consoleError.mock.calls[0]?.[0]).toMatch(
      /^Exception ignored in weak reference callback \(anonymous\):\nError: inner\n/,
    );
  });
});

describe('setErrorHandler', () => {
  it('returns the previous handler, so it can be restored', async () => {
    const first: ErrorHandler = () => {};
    const second: ErrorHandler = () => {};
    expect(setErrorHandler(first)).toBe(defaultHandler);
    expect(setErrorHandler(second)).toBe(first);
    expect(setErrorHandler(defaultHandler)).toBe(second);
    dropTargetWithRefCallback(boom);
    await collectGarbage();
    expect(consoleError).toHaveBeenCalledTimes(1);
  });

  it('hands the error and its context to the handler instead of the console', async () => {
    const reports: Array<[unknown, string]> = [];
    setErrorHandler((error, context) => reports.push([error, context]));
    dropTargetWithRefCallback(boom);
    dropTargetWithFinalizer(function releaseLock() {
      throw 42;
    });
    await collectGarbage();
    expect(reports).toHaveLength(2);
    expect(reports).toContainEqual([thrown, "weak reference callback 'boom'"]);
    expect(reports).toContainEqual([42, "finalizer 'releaseLock'"]);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('rejects a handler that is not a function and keeps the current one', async () => {
    const reports: unknown[] = [];
    setErrorHandler((error) => reports.push(error));
    expect(() => setErrorHandler(null as unknown as ErrorHandler)).toThrow(
      new TypeError('setErrorHandler expects a function, got null'),
    );
    expect(() => setErrorHandler('log' as unknown as ErrorHandler)).toThrow(
      new TypeError('setErrorHandler expects a function, got string'),
    );
    dropTargetWithRefCallback(boom);
    await collectGarbage();
    expect(reports).toEqual([thrown]);
  });

  it('falls back to the console when the handler itself throws', async () => {
    let handlerError: Error | undefined;
    setErrorHandler(() => {
      handlerError = new Error('handler broke');
      throw handlerError;
    });
    dropTargetWithRefCallback(boom);
    await collectGarbage();
    expect(consoleError.mock.calls).toEqual([
      [`Exception ignored in error handler:\n${handlerError?.stack}`],
      [`Exception ignored in weak reference callback 'boom':\n${thrown?.stack}`],
    ]);
  });

  it('reports a throwing callback and still runs the others (test_callbacks_protected)', async () => {
    const ran: string[] = [];
    const reports: string[] = [];
    setErrorHandler((_error, context) => reports.push(context));
    keep.push(attachAround(ran));
    await collectGarbage();
    expect(ran).toEqual(['newest', 'oldest']);
    expect(reports).toEqual(["weak reference callback 'boom'", "weak reference callback 'throwsToo'"]);
  });
});

/** Two well-behaved refs around two throwing ones, on a target nothing holds. */
function attachAround(ran: string[]): unknown[] {
  const target = {};
  return [
    ref(target, () => ran.push('oldest')),
    proxy(target, function throwsToo() {
      throw new Error('too');
    }),
    ref(target, boom),
    ref(target, () => ran.push('newest')),
  ];
}
