/** A lookup's value, or the module's not-found error (which the admin filter answers with 404). */
export function found<T>(value: T | null | undefined, missing: () => Error): T {
  if (value === null || value === undefined) throw missing();
  return value;
}
