// `deno test` runs the vitest test files unchanged: deno.json maps the 'vitest' import to this file.
// Assertions and spies are vitest's own packages (@vitest/expect, @vitest/spy), so every matcher means
// exactly what it means under vitest; only the runner is Deno's. docs/runtimes.md has the details.
import {
  ASYMMETRIC_MATCHERS_OBJECT,
  chai,
  type ExpectStatic,
  GLOBAL_EXPECT,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from '@vitest/expect';
import * as spy from '@vitest/spy';

export type { Mock, MockInstance } from '@vitest/spy';

declare const Deno: {
  test(definition: { name: string; fn: () => Promise<void>; ignore: boolean; only: boolean }): void;
  inspect(value: unknown): string;
};

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

/** vitest's `expect`, without its runner-bound extras (`extend`, `poll`, `assertions`, snapshots). */
export const expect = ((value: unknown, message?: string) =>
  chai.expect(value, message)) as unknown as ExpectStatic;
Object.assign(expect, chai.expect, (globalThis as Record<symbol, unknown>)[ASYMMETRIC_MATCHERS_OBJECT]);
Object.assign(globalThis, { [GLOBAL_EXPECT]: expect });
setState({ assertionCalls: 0, isExpectingAssertions: false, expectedAssertionsNumber: null }, expect);

type Hook = () => unknown;
type TestFunction = () => unknown;
type Mode = { ignore?: boolean; only?: boolean };

/** A `describe` block: its hooks, and how many of its tests are still to run (for `afterAll`). */
interface Scope {
  readonly name: string;
  readonly parent: Scope | undefined;
  readonly mode: Mode;
  readonly beforeAll: Hook[];
  readonly afterAll: Hook[];
  readonly beforeEach: Hook[];
  readonly afterEach: Hook[];
  started: boolean;
  remaining: number;
}

const newScope = (name: string, parent: Scope | undefined, mode: Mode): Scope => ({
  name,
  parent,
  mode: { ...parent?.mode, ...mode },
  beforeAll: [],
  afterAll: [],
  beforeEach: [],
  afterEach: [],
  started: false,
  remaining: 0,
});

// Deno loads every test file in a runtime of its own, so this module, and the root scope, is per file.
let current = newScope('', undefined, {});

function chain(scope: Scope): Scope[] {
  const scopes: Scope[] = [];
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) scopes.unshift(s);
  return scopes;
}

async function runAll(hooks: readonly Hook[]): Promise<void> {
  for (const hook of hooks) await hook();
}

/** One vitest test becomes one `Deno.test`, named by its describe blocks, with vitest's hook order. */
function register(name: string, fn: TestFunction, mode: Mode): void {
  const scopes = chain(current);
  const { ignore = false, only = false } = { ...current.mode, ...mode };
  if (!ignore) for (const scope of scopes) scope.remaining++;
  Deno.test({
    name: [...scopes.map((s) => s.name).filter(Boolean), name].join(' > '),
    ignore,
    only,
    async fn() {
      for (const scope of scopes) {
        if (!scope.started) {
          scope.started = true;
          await runAll(scope.beforeAll);
        }
      }
      try {
        for (const scope of scopes) await runAll(scope.beforeEach);
        await fn();
      } finally {
        for (const scope of scopes.toReversed()) await runAll(scope.afterEach);
        for (const scope of scopes.toReversed()) if (--scope.remaining === 0) await runAll(scope.afterAll);
      }
    },
  });
}

/** vitest's `test.each` titles: printf-style `%s`, `%d`, `%i`, `%f`, `%j`, `%o`, `%O`, `%#`, `%%`. */
function title(template: string, args: readonly unknown[], index: number): string {
  let next = 0;
  return template.replace(/%[sdifjoO#%]/g, (placeholder) => {
    if (placeholder === '%%') return '%';
    if (placeholder === '%#') return String(index);
    const arg = args[next++];
    switch (placeholder) {
      case '%s':
        return typeof arg === 'string' ? arg : typeof arg === 'symbol' ? arg.toString() : Deno.inspect(arg);
      case '%d':
      case '%i':
        return String(Math.trunc(Number(arg)));
      case '%f':
        return String(Number(arg));
      case '%j':
        return JSON.stringify(arg);
      default:
        return Deno.inspect(arg);
    }
  });
}

// vitest's forms: test(name, fn, timeout?) and test(name, options, fn). Deno has no per-test timeout.
type TestArgs =
  | [name: string, fn: TestFunction, timeout?: number]
  | [name: string, options: object, fn: TestFunction];

function testApi(mode: Mode) {
  const define = (...[name, a, b]: TestArgs): void => {
    const fn = (typeof a === 'function' ? a : b) as TestFunction | undefined;
    if (typeof fn !== 'function') throw new TypeError(`test "${name}" has no function`);
    register(name, fn, mode);
  };
  define.each =
    (cases: readonly unknown[]) =>
    (template: string, fn: (...args: any[]) => unknown): void => {
      cases.forEach((c, i) => {
        const args = Array.isArray(c) ? c : [c];
        register(title(template, args, i), () => fn(...args), mode);
      });
    };
  return define;
}

function describeApi(mode: Mode) {
  return (name: string, body: () => void): void => {
    const parent = current;
    current = newScope(name, parent, mode);
    try {
      body();
    } finally {
      current = parent;
    }
  };
}

export const test = Object.assign(testApi({}), {
  skip: testApi({ ignore: true }),
  only: testApi({ only: true }),
});
export const it = test;
export const describe = Object.assign(describeApi({}), {
  skip: describeApi({ ignore: true }),
  only: describeApi({ only: true }),
});

export const beforeAll = (hook: Hook): void => void current.beforeAll.push(hook);
export const afterAll = (hook: Hook): void => void current.afterAll.push(hook);
export const beforeEach = (hook: Hook): void => void current.beforeEach.push(hook);
export const afterEach = (hook: Hook): void => void current.afterEach.push(hook);

// Only what runs the same on every runtime (docs/runtimes.md): Bun has no stubGlobal, no runtime but
// Node can reload a module.
export const vi = { fn: spy.fn, spyOn: spy.spyOn, restoreAllMocks: spy.restoreAllMocks };
