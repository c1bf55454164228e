export { type ErrorHandler, setErrorHandler } from './errors.js';
export { type Finalizer, type FinalizerInfo, finalize } from './finalize.js';
export { isProxy, type ProxyCallback, proxy } from './proxy.js';
export { type Ref, type RefCallback, ref } from './ref.js';
export { type WeakMethod, weakMethod } from './weak-method.js';
export { assertWeakable, canBeHeldWeakly, type WeakKey } from './weakable.js';
export { getWeakRefCount, getWeakRefs } from './weakref-list.js';
