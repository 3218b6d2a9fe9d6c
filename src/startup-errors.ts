// Errors that stop a start with a message a user can act on (the CLI prints them, exit 1). Kept
// apart from the engines so the CLI can recognise them without loading the engines.

/** A server the configuration names cannot be reached; the message names the option. */
export class UnreachableError extends Error {}

/** No message id slot could be leased in the cluster. */
export class SlotError extends Error {}

/** A URL as it may be logged: without its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}
