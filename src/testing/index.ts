/** @module weakkit/testing */
export { type CollectGarbageOptions, collectGarbage } from './collect-garbage.js';
export { type ExpectCollectedOptions, expectCollected } from './expect-collected.js';
export { formatRetainers } from './format-retainers.js';
export { isCollected, type WeakHandle } from './is-collected.js';
export { LeakDetector } from './leak-detector.js';
export { type CollectedMatchers, type MatcherResult, matchers } from './matchers.js';
export type { RetainerPath, RetainerStep } from './retainer-path.js';
export { type WhyAliveOptions, whyAlive } from './why-alive.js';
