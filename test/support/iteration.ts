import { expect } from 'vitest';
import { collectGarbage } from '../../src/testing/index.js';
import type { Keeper, Obj } from './objects.js';

/**
 * CPython's check_weak_destroy_while_iterating, for any weak collection of `count` entries, one per
 * object of `objects`: an iterator that has started skips an entry collected after it started, and
 * never yields `undefined` for it.
 */
export async function checkWeakDestroyWhileIterating<M extends { readonly size: number }>(
  make: () => { map: M; objects: Keeper<Obj> },
  iterate: (map: M) => Iterator<unknown>,
  count: number,
): Promise<void> {
  const { map, objects } = make();
  const iterator = iterate(map);
  iterator.next();
  objects.drop(count - 1);
  await collectGarbage();
  const rest = [...(iterator as IterableIterator<unknown>)];
  expect(rest).toHaveLength(count - 2);
  expect(rest).not.toContain(undefined);
  expect(map.size).toBe(count - 1);
  expect(objects.held(0)).toBe(true);
}
