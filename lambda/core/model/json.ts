/** Untyped JSON from outside (events, snapshot files) is narrowed here before anything reads it. */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
