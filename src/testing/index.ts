export { type CollectGarbageOptions, collectGarbage } from './collect-garbage.js';
