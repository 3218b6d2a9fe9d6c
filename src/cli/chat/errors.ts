// Errors as one line for the notice bar: what went wrong and, where there is one, what to do.
import { isClientError } from '../../client/node.js';

const CERTIFICATE = /certificate|self[- ]signed|unable to verify|CERT_|TLS alert|peer verification/i;

export function describeError(err: unknown): string {
  const text = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  if (isClientError(err) && err.name === 'CONNECT_FAILED' && CERTIFICATE.test(text) && !/pinned/.test(text)) {
    return `${text} (pin the server's certificate with --fingerprint: confab serve prints it)`;
  }
  return text;
}
