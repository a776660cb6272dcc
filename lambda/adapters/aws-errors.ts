/** Classifying AWS SDK v3 errors by their `name`, the field the SDK sets from the service's error code. */
import { errorName } from '../core/model/errors';

export { describeError, errorMessage, errorName } from '../core/model/errors';

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AllAccessDisabled', 'Forbidden']);

export function isAccessDenied(error: unknown): boolean {
  return ACCESS_DENIED.has(errorName(error));
}

/** Thrown when a resource no longer exists; the handlers log it and move on (no finding). */
export class ResourceGoneError extends Error {
  override name = 'ResourceGoneError';
}
