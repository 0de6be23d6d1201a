import type { TaskDetail, TaskError, TaskStatus } from '@brain/tasks';
import { formatCall, formatTime } from '../../output/format';
import { printFields, printLine, renderTable } from '../../output/print';

/** Seconds between two ISO times, as `0.123s`; null unless both are known. */
export function runtime(t: Pick<TaskStatus, 'date_started' | 'date_done'>): string | null {
  if (!t.date_started || !t.date_done) return null;
  return `${((Date.parse(t.date_done) - Date.parse(t.date_started)) / 1000).toFixed(3)}s`;
}

export function describeError(error: TaskError | null): string | null {
  return error ? `${error.type}: ${error.message}` : null;
}

/** A value on its own lines under a heading, indented: results and tracebacks can be long. */
function printBlock(heading: string, text: string): void {
  printLine();
  printLine(heading);
  for (const line of text.split('\n')) printLine(`  ${line}`);
}

/** `brain tasks status`: the record field by field, then result or error, then the timeline. */
export function printTaskDetail(t: TaskDetail): void {
  printFields([
    ['task id', t.task_id],
    ['name', t.task_name],
    ['state', t.status],
    ['queue', t.queue],
    ['worker', t.worker],
    ['arguments', formatCall(t.args, t.kwargs, 200)],
    ['retries', t.retries],
    ['attempts', t.attempts],
    ['received', formatTime(t.date_received)],
    ['started', formatTime(t.date_started)],
    ['done', formatTime(t.date_done)],
    ['runtime', runtime(t)],
    ['eta', formatTime(t.eta)],
    ['expires', formatTime(t.expires)],
    ['parent', t.parent_id],
    ['schedule', t.periodic_task_name],
  ]);
  if (t.status === 'SUCCESS') printBlock('result', JSON.stringify(t.result, null, 2) ?? 'null');
  if (t.error) {
    printBlock('error', describeError(t.error)!);
    if (t.error.traceback) printBlock('traceback', t.error.traceback);
  }
  printBlock(
    'timeline',
    renderTable(t.timeline, [
      { header: 'AT', value: (e) => e.at.replace('T', ' ').replace('Z', '') },
      { header: 'STATE', value: (e) => e.state },
      { header: 'WORKER', value: (e) => e.worker },
      { header: 'RETRIES', value: (e) => e.retries },
    ]),
  );
}
