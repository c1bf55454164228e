/** @module weakkit/cache */
export { type Memoized, type MemoizedCache, type MemoizeOptions, memoize } from './memoize.js';
export {
  type CacheStats,
  type FetchOptions,
  type LoadOptions,
  WeakCache,
  type WeakCacheOptions,
} from './weak-cache.js';
