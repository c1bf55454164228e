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
  }, 120_000); // 400 full collections: seconds on Node, more under deno test (an ~80 MB heap) or load

  it('leaves strongly held objects alone', async () => {
    const keep: object[] = [];
    const weak = kept(keep);
    await collectGarbage();
    expect(weak.deref()).toBe(keep[0]);
  });

  it('rejects a nonsensical round count', async () => {
    await expect(collectGarbage({ rounds: 0 })).rejects.toThrow(TypeError);
  });
});
