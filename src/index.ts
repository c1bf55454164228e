/** @module weakkit */
export { type ErrorHandler, setErrorHandler } from './errors.js';
export { type Finalizer, type FinalizerInfo, finalize } from './finalize.js';
export { IterableWeakMap } from './iterable-weak-map.js';
export { IterableWeakSet, type SetLike } from './iterable-weak-set.js';
export { isProxy, type ProxyCallback, proxy } from './proxy.js';
export { type Ref, type RefCallback, ref } from './ref.js';
export { type WeakMethod, weakMethod } from './weak-method.js';
export { WeakValueMap, type WeakValueMapOptions } from './weak-value-map.js';
export { assertWeakable, canBeHeldWeakly, type WeakKey } from './weakable.js';
export { getWeakRefCount, getWeakRefs } from './weakref-list.js';
