import type { AgentExecutionStatus } from '@brain/storage';

/** The most of a response body kept (and returned): bytes of its text. */
export const MAX_RESPONSE_BYTES = 16 * 1024;

export interface AgentCall {
  method: 'GET' | 'POST';
  url: string;
  /** Sent as JSON. */
  body?: unknown;
  timeoutMs: number;
  /** The task's own signal (terminate, soft time limit): aborts the call too. */
  signal: AbortSignal;
}

/** What came of one call to an agent's endpoint. */
export interface AgentCallOutcome {
  /** success: a 2xx answer; failed: another status or no answer; timeout: none in time. */
  status: AgentExecutionStatus;
  http_status: number | null;
  /** The answer parsed as JSON, else its text; cut at MAX_RESPONSE_BYTES (then always text). */
  response: unknown;
  duration_ms: number;
  error: string | null;
  started_at: Date;
  finished_at: Date;
}

/**
 * Calls an agent over HTTP, never throwing for what the agent does (error status, refused
 * connection, timeout): those are outcomes to record. Only the task's own signal aborting throws,
 * after the outcome is handed to `onAbort` so that it can be recorded.
 */
export async function callAgent(
  call: AgentCall,
  onAbort?: (outcome: AgentCallOutcome) => Promise<void>,
): Promise<AgentCallOutcome> {
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = AbortSignal.any([call.signal, timeout]);
  const startedAt = new Date();
  const t0 = performance.now();
  const done = (
    outcome: Pick<AgentCallOutcome, 'status' | 'http_status' | 'response' | 'error'>,
  ): AgentCallOutcome => ({
    ...outcome,
    duration_ms: Math.round((performance.now() - t0) * 1000) / 1000,
    started_at: startedAt,
    finished_at: new Date(),
  });
  let httpStatus: number | null = null;
  try {
    const res = await fetch(call.url, {
      method: call.method,
      signal,
      redirect: 'manual',
      headers: {
        accept: 'application/json, text/plain;q=0.9, */*;q=0.1',
        ...(call.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
    httpStatus = res.status;
    const response = await readCapped(res);
    const ok = res.status >= 200 && res.status < 300;
    return done({
      status: ok ? 'success' : 'failed',
      http_status: res.status,
      response,
      error: ok ? null : `${call.method} ${call.url} answered HTTP ${res.status}`,
    });
  } catch (err) {
    if (call.signal.aborted) {
      const outcome = done({
        status: 'failed',
        http_status: httpStatus,
        response: null,
        error: `aborted: ${describe(call.signal.reason)}`,
      });
      await onAbort?.(outcome);
      throw call.signal.reason instanceof Error ? call.signal.reason : err;
    }
    if (timeout.aborted) {
      return done({
        status: 'timeout',
        http_status: httpStatus,
        response: null,
        error: `${call.method} ${call.url}: no answer within ${call.timeoutMs} ms`,
      });
    }
    return done({
      status: 'failed',
      http_status: httpStatus,
      response: null,
      error: `${call.method} ${call.url}: ${describe(err)}`,
    });
  }
}

/** The body as JSON if it parses, else as text; past MAX_RESPONSE_BYTES, the text cut there. */
async function readCapped(res: Response): Promise<unknown> {
  if (!res.body) return null;
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      truncated = true;
      await reader.cancel();
      break;
    }
  }
  const text = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
  if (truncated) return `${text}… [truncated at ${MAX_RESPONSE_BYTES} bytes]`;
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch's "fetch failed" hides the reason (ECONNREFUSED...) in its cause.
  const cause = (err as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}
