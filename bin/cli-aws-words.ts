/**
 * An AWS error in the words a person at a terminal needs: a connection refused or a DNS failure is
 * the network, a proxy or an endpoint setting, not the credentials; expired or wrong credentials
 * say so; anything else is the service's own name and message.
 */
import { describeError, isCredentialError, isNetworkError, networkTarget } from '../lambda/adapters/aws-errors';

const NETWORK_HINT = 'check the network, a proxy (HTTPS_PROXY) or an endpoint setting (AWS_ENDPOINT_URL)';
const CREDENTIALS_HINT = 'check the credentials (AWS_PROFILE, `aws sso login`, or the access keys)';

function isTimeout(name: string, code: string | undefined): boolean {
  return name === 'TimeoutError' || name === 'RequestTimeout' || name === 'RequestTimeoutException' || code === 'ETIMEDOUT';
}

/** `endpoint`: where the call was going, when the error does not say (e.g. "sts.eu-west-1.amazonaws.com"). */
export function awsProblem(error: unknown, endpoint?: string): string {
  const { name, message } = describeError(error);
  const code = (error as { code?: unknown } | null)?.code;
  const where = networkTarget(error) ?? endpoint ?? 'the AWS endpoint';
  if (isTimeout(name, typeof code === 'string' ? code : undefined)) return `timed out: no answer from ${where} within the request timeout, after retries (${name}); ${NETWORK_HINT}`;
  if (isNetworkError(error)) return `network error: could not reach ${where} (${typeof code === 'string' ? code : name}); ${NETWORK_HINT}`;
  if (isCredentialError(error)) return `credentials rejected or missing (${name}: ${message}); ${CREDENTIALS_HINT}`;
  return `${name}: ${message}`;
}

/** Whether no other call can succeed either: the scan stops instead of listing the same error everywhere. */
export function reachesNothing(error: unknown): boolean {
  return isNetworkError(error) || isCredentialError(error);
}
