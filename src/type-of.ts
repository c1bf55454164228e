/**
 * What a `TypeError` calls a value's type: `typeof value`, except `'null'` for `null`.
 *
 * @internal
 * @example
 * typeOf(null); // 'null'
 * typeOf([]);   // 'object'
 */
export function typeOf(value: unknown): string {
  return value === null ? 'null' : typeof value;
}
