import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Runs the atexit fixture (CPython's FinalizeTestCase.run_in_child) in a Node process of its own. */
function runAtexitFixture(...args: string[]) {
  const fixture = fileURLToPath(new URL('./fixtures/core-atexit.ts', import.meta.url));
  return spawnSync(process.execPath, ['--import', 'tsx', fixture, ...args], { encoding: 'utf8' });
}

describe('FinalizeTestCase (in a child process)', () => {
  it('test_atexit: alive finalizers run at exit newest first, errors reported, exit code 0', () => {
    const child = runAtexitFixture();
    expect(child.stdout.split('\n')).toEqual(['f4 foobar', 'f3 error', 'g1', 'f1 foobar', '']);
    expect(child.stderr).toContain(
      "Exception ignored in finalizer 'error' at exit:\nZeroDivisionError: division by zero",
    );
    expect(child.status).toBe(0);
  });

  it('at exit, leaves the exit code alone and skips detached, called and already-run finalizers', () => {
    const child = runAtexitFixture('extras');
    expect(child.stdout.split('\n')).toEqual([
      'called before exit',
      'collected before exit',
      'f4 foobar',
      'f3 error',
      'g1',
      'f1 foobar',
      '',
    ]);
    expect(child.stderr).toContain('ZeroDivisionError: division by zero');
    expect(child.status).toBe(3);
  });
});
