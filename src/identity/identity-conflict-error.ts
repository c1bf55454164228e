/**
 * Thrown when a second object claims a key that the identity map already gives to a live entity:
 * one object per key is the rule that makes `===` mean "same row". SQLAlchemy raises
 * `InvalidRequestError("Can't attach instance ...; another instance with key ... is already present
 * in this session")` in the same place.
 *
 * @example
 * const map = new IdentityMap<number, User>({ key: (user) => user.id });
 * map.add(new User(1, 'Alice'));
 * try {
 *   map.add(new User(1, 'Alice (stale copy)'));
 * } catch (error) {
 *   if (error instanceof IdentityConflictError) error.mapped; // the User already in the map
 * }
 */
export class IdentityConflictError extends Error {
  override readonly name = 'IdentityConflictError';
  /** The contested key. */
  readonly key: unknown;
  /** The entity that holds the key. */
  readonly mapped: object;
  /** The entity that was refused. */
  readonly entity: object;

  constructor(key: unknown, mapped: object, entity: object) {
    super(
      `IdentityMap: another ${describe(mapped)} is already mapped under key ${renderKey(key)}; ` +
        'an identity map holds one object per key (use the mapped one, or flush its deletion first)',
    );
    this.key = key;
    this.mapped = mapped;
    this.entity = entity;
  }
}

/** `User`, or `object` for plain objects and null-prototype ones. @internal */
export function describe(entity: object): string {
  const name = (entity as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : 'object';
}

/** A key as it reads in an error message: strings quoted, the rest as `String` shows it. @internal */
export function renderKey(key: unknown): string {
  return typeof key === 'string' ? JSON.stringify(key) : String(key);
}
