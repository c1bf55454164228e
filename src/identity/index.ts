/** @module weakkit/identity */
export { IdentityConflictError } from './identity-conflict-error.js';
export {
  type EntityLoader,
  type EntityState,
  type FlushWriter,
  IdentityMap,
  type IdentityMapOptions,
  type PendingChanges,
} from './identity-map.js';
