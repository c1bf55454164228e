import { describe, expect, it } from 'vitest';
import { memoize } from '../../src/cache/index.js';
import { collectGarbage } from '../../src/testing/index.js';

// Node only: measures the heap with process.memoryUsage().
describe('memoize memory', () => {
  it('removes the argument nodes of collected results, so distinct calls do not accumulate', async () => {
    const memo = memoize((id: number, kind: string) => ({ id, kind }), { max: 0 });
    const callMany = () => {
      for (let i = 0; i < 100_000; i++) memo(i, i % 2 === 0 ? 'even' : 'odd');
    };
    await collectGarbage();
    const before = process.memoryUsage().heapUsed;
    callMany();
    await collectGarbage();
    const retained = process.memoryUsage().heapUsed - before;
    expect(memo.cache.stats.collected).toBe(100_000);
    // Unpruned, the 200,000 nodes of these paths (with their Maps) would take well over 20 MB.
    expect(retained).toBeLessThan(4 * 2 ** 20);
  });
});
