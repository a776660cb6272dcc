/**
 * Describing an error in words, whatever was thrown: the AWS SDK v3 sets `name` from the service's
 * error code; Node sets `code` on system errors; anything else is turned into text.
 */

export function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const v of [e.name, e.Code, e.code]) if (typeof v === 'string' && v !== '' && v !== 'Error') return v;
  }
  return 'UnknownError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function describeError(error: unknown): { name: string; message: string } {
  return { name: errorName(error), message: errorMessage(error) };
}
