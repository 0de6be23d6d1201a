import type { Job, JobState } from 'bullmq';
import type { TaskMessage } from '../client/apply-options';
import { redactArguments, redactStrings } from '../execution/redaction';
import { redactText } from '../execution/secret-policy';
import { isQueueName } from '../queues/queue-names';
import { DEFAULT_TASK_PRIORITY } from '../queues/task-priority';
import type { TaskOptions } from '../registry/task-options';
import type { TaskError, TaskEvent, TaskRecord } from './task-record';
import type { TaskState } from './task-state';

const iso = (ms: number | undefined): string | null => (ms ? new Date(ms).toISOString() : null);

/** Celery's state from BullMQ's: a retry waits as a delayed job; a revoked one failed as such. */
export function taskState(state: JobState | 'unknown', job: Job<TaskMessage>): TaskState | null {
  const retrying = (job.data?.retries ?? 0) > 0;
  switch (state) {
    case 'completed':
      return 'SUCCESS';
    case 'failed':
      return errorOf(job)?.type === 'TaskRevokedError' ? 'REVOKED' : 'FAILURE';
    case 'active':
      return 'STARTED';
    case 'delayed':
    case 'waiting':
    case 'prioritized':
    case 'waiting-children':
      return retrying ? 'RETRY' : 'PENDING';
    default:
      return null;
  }
}

/**
 * The error of a failed job. The worker fails jobs with a stack whose first line is
 * `<ErrorType>: <message>`, so the type survives BullMQ's storage (message and stacks only).
 */
export function errorOf(job: Job<TaskMessage>): TaskError | null {
  if (!job.failedReason && !job.stacktrace?.length) return null;
  const traceback = job.stacktrace?.[job.stacktrace.length - 1] ?? null;
  const header = traceback?.split('\n', 1)[0] ?? '';
  const colon = header.indexOf(':');
  const type =
    colon > 0 && /^[\w$.]+$/.test(header.slice(0, colon)) ? header.slice(0, colon) : 'Error';
  // Masked again when read: a job failed by another path (or before this rule) may hold one.
  return {
    type,
    message: redactText(job.failedReason ?? ''),
    traceback: traceback === null ? null : redactText(traceback),
  };
}

/** Revoked (or expired) before its handler ran: the worker only took it off the queue. */
function neverRan(job: Job<TaskMessage>, state: TaskState): boolean {
  if (state === 'PENDING' || state === 'RETRY') return true;
  return state === 'REVOKED' && !/terminated/.test(job.failedReason ?? '');
}

export function recordFromJob(
  job: Job<TaskMessage>,
  state: TaskState,
  declaration: Pick<TaskOptions, 'params' | 'sensitive'> | undefined,
): TaskRecord {
  const data = job.data ?? ({} as Partial<TaskMessage>);
  const shown = redactArguments(declaration, data.args ?? [], data.kwargs ?? {});
  const done = state === 'SUCCESS' || state === 'FAILURE' || state === 'REVOKED';
  return {
    task_id: data.taskId ?? String(job.id),
    task_name: job.name,
    queue: isQueueName(job.queueName) ? job.queueName : 'default',
    state,
    args: shown.args,
    kwargs: shown.kwargs,
    priority: data.priority ?? DEFAULT_TASK_PRIORITY,
    retries: data.retries ?? 0,
    attempts: job.attemptsStarted ?? 0,
    worker: job.processedBy ?? null,
    date_received: new Date(job.timestamp).toISOString(),
    date_started: neverRan(job, state) ? null : iso(job.processedOn),
    date_done: done ? iso(job.finishedOn) : null,
    eta: iso(data.eta),
    expires: iso(data.expires),
    // A result may quote a URL it was given (a webhook's, with its token): credentials masked.
    result: state === 'SUCCESS' ? redactStrings((job.returnvalue as unknown) ?? null) : null,
    error:
      state === 'FAILURE' || state === 'REVOKED'
        ? errorOf(job)
        : state === 'RETRY'
          ? (data.lastError ?? null)
          : null,
    parent_id: data.parentId ?? null,
    periodic_task_name: job.repeatJobKey ?? null,
  };
}

/** The task's state changes, oldest first, from the job and its earlier attempts. */
export function timelineFromJob(job: Job<TaskMessage>, state: TaskState): TaskEvent[] {
  const events: TaskEvent[] = [{ state: 'PENDING', at: new Date(job.timestamp).toISOString() }];
  events.push(...(job.data?.history ?? []));
  if (state === 'PENDING' || state === 'RETRY') return events;
  if (job.processedOn && !neverRan(job, state)) {
    events.push({
      state: 'STARTED',
      at: new Date(job.processedOn).toISOString(),
      worker: job.processedBy,
    });
  }
  if (state !== 'STARTED' && job.finishedOn)
    events.push({ state, at: new Date(job.finishedOn).toISOString() });
  return events;
}
