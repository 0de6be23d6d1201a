import {
  type OutboundClient,
  type OutboundResponse,
  OutboundTimeoutError,
  urlForMessages,
} from '@brain/outbound';
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
 * Calls an agent over HTTP through the guarded client (an internal endpoint not allowlisted is
 * refused; redirects are not followed), never throwing for what the agent does (error status,
 * refused connection, timeout): those are outcomes to record. Only the task's own signal
 * aborting throws, after the outcome is handed to `onAbort` so that it can be recorded.
 */
export async function callAgent(
  client: OutboundClient,
  call: AgentCall,
  onAbort?: (outcome: AgentCallOutcome) => Promise<void>,
): Promise<AgentCallOutcome> {
  const startedAt = new Date();
  const t0 = performance.now();
  const target = `${call.method} ${urlForMessages(call.url)}`;
  const done = (
    outcome: Pick<AgentCallOutcome, 'status' | 'http_status' | 'response' | 'error'>,
  ): AgentCallOutcome => ({
    ...outcome,
    duration_ms: Math.round((performance.now() - t0) * 1000) / 1000,
    started_at: startedAt,
    finished_at: new Date(),
  });
  try {
    const res = await client.request(call.url, {
      method: call.method,
      headers: {
        accept: 'application/json, text/plain;q=0.9, */*;q=0.1',
        ...(call.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      timeoutMs: call.timeoutMs,
      maxBytes: MAX_RESPONSE_BYTES,
      signal: call.signal,
    });
    const ok = res.status >= 200 && res.status < 300;
    return done({
      status: ok ? 'success' : 'failed',
      http_status: res.status,
      response: parseResponse(res),
      error: ok ? null : `${target} answered HTTP ${res.status}`,
    });
  } catch (err) {
    if (call.signal.aborted) {
      const outcome = done({
        status: 'failed',
        http_status: null,
        response: null,
        error: `aborted: ${describe(call.signal.reason)}`,
      });
      await onAbort?.(outcome);
      throw call.signal.reason instanceof Error ? call.signal.reason : err;
    }
    if (err instanceof OutboundTimeoutError) {
      return done({
        status: 'timeout',
        http_status: null,
        response: null,
        error: `${target}: ${err.message}`,
      });
    }
    return done({
      status: 'failed',
      http_status: null,
      response: null,
      error: `${target}: ${describe(err)}`,
    });
  }
}

/** The body as JSON if it parses, else as text; past MAX_RESPONSE_BYTES, the text cut there. */
function parseResponse({ body, truncated }: OutboundResponse): unknown {
  const text = body.toString('utf8');
  if (truncated) return `${text}… [truncated at ${MAX_RESPONSE_BYTES} bytes]`;
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
