/** Classifying AWS SDK v3 errors by their `name`, the field the SDK sets from the service's error code. */

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

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AllAccessDisabled', 'Forbidden']);

export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED.has(errorName(error));
}

/** Thrown when a resource no longer exists; the handlers log it and move on (no finding). */
export class ResourceGoneError extends Error {
  override name = 'ResourceGoneError';
}
