import { RetryRequest } from '../retry/retry-request';
import type { SerializedError, SerializedRetry } from './pool-protocol';

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), chain: ['Error'] };
  const chain: string[] = [];
  for (
    let p = Object.getPrototypeOf(err) as object | null;
    p && p !== Object.prototype;
    p = Object.getPrototypeOf(p) as object | null
  ) {
    const name = (p.constructor as { name?: string } | undefined)?.name;
    if (name) chain.push(name);
  }
  return { name: err.name, message: err.message, stack: err.stack, chain };
}

/** An error rebuilt on this side: its name, message, stack, and the class chain for matching. */
export class RemoteError extends Error {
  constructor(readonly remote: SerializedError) {
    super(remote.message);
    this.name = remote.name;
    this.stack = remote.stack ?? `${remote.name}: ${remote.message}`;
  }

  /** Whether the original error was an instance of a class with this name. */
  isA(className: string): boolean {
    return this.remote.name === className || this.remote.chain.includes(className);
  }
}

export function serializeRetry(req: RetryRequest): SerializedRetry {
  const o = req.options;
  return {
    countdown: o.countdown,
    eta: o.eta?.toISOString(),
    maxRetries: o.maxRetries,
    exc: o.exc === undefined ? undefined : serializeError(o.exc),
  };
}

export function deserializeRetry(r: SerializedRetry): RetryRequest {
  return new RetryRequest({
    countdown: r.countdown,
    eta: r.eta ? new Date(r.eta) : undefined,
    maxRetries: r.maxRetries,
    exc: r.exc ? new RemoteError(r.exc) : undefined,
  });
}
