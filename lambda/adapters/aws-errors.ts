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

/**
 * The call never reached AWS, or no answer came back: the network, a proxy or an endpoint
 * override is the thing to check, not the credentials. Node's system error codes, and the names
 * the SDK's HTTP handler and retry strategy give a timeout.
 */
const NETWORK = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED',
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'NetworkingError',
]);

/** The credentials are missing, expired or wrong: no call can succeed until they are fixed. */
const CREDENTIALS = new Set([
  'CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException',
  'SignatureDoesNotMatch', 'InvalidAccessKeyId', 'InvalidToken', 'TokenRefreshRequired', 'IncompleteSignature',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isNetworkError(error: unknown): boolean {
  return NETWORK.has(errorName(error)) || NETWORK.has(codeOf(error) ?? '');
}

export function isCredentialError(error: unknown): boolean {
  return CREDENTIALS.has(errorName(error));
}

/** Where a network error was going, when Node says (a DNS name, or an address and port). */
export function networkTarget(error: unknown): string | undefined {
  const e = error as { hostname?: unknown; address?: unknown; port?: unknown } | null;
  if (typeof e?.hostname === 'string') return e.hostname;
  if (typeof e?.address === 'string') return typeof e.port === 'number' ? `${e.address}:${e.port}` : e.address;
  return undefined;
}
