import {
  type OutboundClient,
  type OutboundPolicy,
  type OutboundResponse,
  OutboundTimeoutError,
  urlForMessages,
} from '@brain/outbound';
import { TaskInputError } from '@brain/tasks';
import { parseNotify } from '../notifications/notification-args';

/**
 * What a mission does: `payload.steps`, run in order; the first failing step fails the mission.
 *
 * - `{ "type": "wait", "seconds": 2 }`: waits (0-300 s; stops at once if the task is aborted).
 * - `{ "type": "http", "url": "https://...", "method": "POST", "body": {...},
 *   "timeout_seconds": 10 }`: calls the URL (JSON body) through the guarded outbound client
 *   (internal addresses refused unless allowlisted; up to MAX_REDIRECTS redirects followed, each
 *   checked again); a non-2xx answer or a timeout fails. At most MAX_BODY_BYTES of the answer
 *   are read and kept.
 * - `{ "type": "compute", "op": "sum" | "count" | "min" | "max" | "avg", "values": [1, 2] }`.
 */
export type MissionStep =
  | { type: 'wait'; seconds: number }
  | {
      type: 'http';
      url: string;
      method: HttpMethod;
      body?: unknown;
      headers?: Record<string, string>;
      timeout_seconds: number;
    }
  | { type: 'compute'; op: ComputeOp; values: number[] };

export const STEP_TYPES = ['wait', 'http', 'compute'] as const;
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const COMPUTE_OPS = ['sum', 'count', 'min', 'max', 'avg'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export type ComputeOp = (typeof COMPUTE_OPS)[number];

export const MAX_STEPS = 100;
export const MAX_WAIT_SECONDS = 300;
export const MAX_HTTP_TIMEOUT_SECONDS = 60;
const DEFAULT_HTTP_TIMEOUT_SECONDS = 10;
/** The most of an http step's answer read and kept in its result (and the mission row). */
export const MAX_BODY_BYTES = 64 * 1024;
/** Redirects an http step follows, each target checked as the first. */
export const MAX_REDIRECTS = 5;

export interface StepResult {
  index: number;
  type: MissionStep['type'];
  status: 'ok' | 'failed';
  duration_ms: number;
  output?: unknown;
  error?: string;
}

/**
 * The steps of a payload (none if it has no `steps`), or a TaskInputError naming the field at
 * fault, e.g. `payload.steps[1].url`. Used when a mission is created and again when it runs.
 * With `outbound` (when created), URLs aimed at an internal address literal (or localhost) that
 * is not allowlisted are refused too; what a name resolves to is checked when the call is made.
 */
export function parseSteps(
  payload: Record<string, unknown>,
  outbound?: OutboundPolicy,
): MissionStep[] {
  // Checked with the steps, so that a mission with a bad `notify` is refused when created.
  parseNotify(payload, outbound);
  const raw = payload.steps;
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw bad('payload.steps', 'must be an array of steps');
  if (raw.length > MAX_STEPS) throw bad('payload.steps', `must have at most ${MAX_STEPS} steps`);
  return raw.map((step: unknown, i) => parseStep(step, `payload.steps[${i}]`, outbound));
}

function parseStep(step: unknown, at: string, outbound?: OutboundPolicy): MissionStep {
  if (typeof step !== 'object' || step === null || Array.isArray(step))
    throw bad(at, 'must be an object');
  const s = step as Record<string, unknown>;
  switch (s.type) {
    case 'wait': {
      const { seconds } = s;
      if (typeof seconds !== 'number' || !(seconds >= 0 && seconds <= MAX_WAIT_SECONDS))
        throw bad(`${at}.seconds`, `must be a number of seconds from 0 to ${MAX_WAIT_SECONDS}`);
      return { type: 'wait', seconds };
    }
    case 'http': {
      const { url, method = 'GET', body, headers, timeout_seconds } = s;
      if (typeof url !== 'string' || !isHttpUrl(url))
        throw bad(`${at}.url`, 'must be an http:// or https:// URL');
      const refusal = outbound?.literalRefusal(url);
      if (refusal) throw bad(`${at}.url`, `is refused: ${refusal} (see OUTBOUND_ALLOW)`);
      const verb = typeof method === 'string' ? method.toUpperCase() : method;
      if (!HTTP_METHODS.includes(verb as HttpMethod))
        throw bad(`${at}.method`, `must be one of ${HTTP_METHODS.join(', ')}`);
      if (
        headers !== undefined &&
        (typeof headers !== 'object' ||
          headers === null ||
          Object.values(headers).some((v) => typeof v !== 'string'))
      )
        throw bad(`${at}.headers`, 'must be an object of strings');
      const timeout = timeout_seconds ?? DEFAULT_HTTP_TIMEOUT_SECONDS;
      if (typeof timeout !== 'number' || !(timeout > 0 && timeout <= MAX_HTTP_TIMEOUT_SECONDS))
        throw bad(`${at}.timeout_seconds`, `must be from 0 to ${MAX_HTTP_TIMEOUT_SECONDS}`);
      return {
        type: 'http',
        url,
        method: verb as HttpMethod,
        ...(body !== undefined && { body }),
        ...(headers !== undefined && { headers: headers as Record<string, string> }),
        timeout_seconds: timeout,
      };
    }
    case 'compute': {
      const { op, values } = s;
      if (!COMPUTE_OPS.includes(op as ComputeOp))
        throw bad(`${at}.op`, `must be one of ${COMPUTE_OPS.join(', ')}`);
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'number' || !isFinite(v)))
        throw bad(`${at}.values`, 'must be an array of finite numbers');
      return { type: 'compute', op: op as ComputeOp, values: values as number[] };
    }
    default:
      throw bad(`${at}.type`, `must be one of ${STEP_TYPES.join(', ')}`);
  }
}

/** Runs one step (http ones through `outbound`); throws on failure. */
export async function runStep(
  step: MissionStep,
  signal: AbortSignal,
  outbound: OutboundClient,
): Promise<unknown> {
  signal.throwIfAborted();
  switch (step.type) {
    case 'wait':
      await sleep(step.seconds * 1000, signal);
      return { waited_seconds: step.seconds };
    case 'compute':
      return { op: step.op, value: compute(step.op, step.values) };
    case 'http':
      return httpStep(step, signal, outbound);
  }
}

export function compute(op: ComputeOp, values: number[]): number | null {
  switch (op) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'count':
      return values.length;
    case 'min':
      return values.length ? Math.min(...values) : null;
    case 'max':
      return values.length ? Math.max(...values) : null;
    case 'avg':
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  }
}

/**
 * The answer's status and body: JSON parsed when it says so and came whole; else text. Past
 * MAX_BODY_BYTES, the text read so far with `truncated: true` and how many `bytes` it holds.
 */
async function httpStep(
  step: Extract<MissionStep, { type: 'http' }>,
  signal: AbortSignal,
  outbound: OutboundClient,
): Promise<unknown> {
  const target = `${step.method} ${urlForMessages(step.url)}`;
  let res: OutboundResponse;
  try {
    res = await outbound.request(step.url, {
      method: step.method,
      headers: {
        accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
        ...(step.body !== undefined && { 'content-type': 'application/json' }),
        ...step.headers,
      },
      body: step.body === undefined ? undefined : JSON.stringify(step.body),
      timeoutMs: step.timeout_seconds * 1000,
      maxBytes: MAX_BODY_BYTES,
      maxRedirects: MAX_REDIRECTS,
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw err;
    if (err instanceof OutboundTimeoutError)
      throw new Error(`${target} timed out after ${step.timeout_seconds} s`);
    throw new Error(`${target} failed: ${(err as Error).message}`);
  }
  if (res.status < 200 || res.status > 299) throw new Error(`${target} answered ${res.status}`);
  const text = res.body.toString('utf8');
  if (res.truncated)
    return { status: res.status, body: text, truncated: true, bytes: res.body.length };
  return { status: res.status, body: parseBody(text, res.headers.get('content-type')) };
}

function parseBody(text: string, contentType: string | null): unknown {
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Fall through: kept as text.
    }
  }
  return text;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function bad(field: string, problem: string): TaskInputError {
  return new TaskInputError(`${field} ${problem}`, field);
}
