/**
 * A URL as messages may show it: scheme, host, port and path, without `user:password@`, query
 * or fragment, which may carry credentials.
 */
export function urlForMessages(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

/** An outbound call refused before any connection: the target is internal and not allowed. */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';

  constructor(readonly reason: string) {
    super(`outbound call refused: ${reason}`);
  }
}

/** No complete answer within the call's time limit. */
export class OutboundTimeoutError extends Error {
  override readonly name = 'OutboundTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/**
 * The call could not be made or answered: connection refused, reset, TLS error, bad redirect.
 * Like the others, its message does not name the URL: callers say what they called.
 */
export class OutboundCallError extends Error {
  override readonly name = 'OutboundCallError';
}
