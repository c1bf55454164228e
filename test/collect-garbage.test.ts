import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../src/testing/index.js';

/** The plain scenario: a WeakRef and a FinalizationRegistry on an object nothing else holds. */
const reported: string[] = [];
const registry = new FinalizationRegistry<string>((token) => reported.push(token));

function dropped(token: string): WeakRef<object> {
  const target = { token };
  registry.register(target, token);
  return new WeakRef(target);
}

function kept(keep: object[]): WeakRef<object> {
  const target = {};
  keep.push(target);
  return new WeakRef(target);
}

describe('collectGarbage', () => {
  it('clears WeakRefs and runs finalization callbacks, 200 times out of 200', async () => {
    let failures = 0;
    for (let i = 0; i < 200; i++) {
      const weak = dropped(`t${i}`);
      await collectGarbage();
      if (weak.deref() !== undefined || !reported.includes(`t${i}`)) failures++;
    }
    expect(failures).toBe(0);
  });

  it('leaves strongly held objects alone', async () => {
    const keep: object[] = [];
    const weak = kept(keep);
    await collectGarbage();
    expect(weak.deref()).toBe(keep[0]);
  });

  it('works without --expose-gc, through node:v8 and node:vm', () => {
    const fixture = fileURLToPath(new URL('./fixtures/collect-without-expose-gc.ts', import.meta.url));
    const output = execFileSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ exposed: false, cleared: true, reported: true });
  });

  it('rejects a nonsensical round count', async () => {
    await expect(collectGarbage({ rounds: 0 })).rejects.toThrow(TypeError);
  });
});
