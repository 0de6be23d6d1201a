import { Option, SubCommand } from 'nest-commander';
import {
  READY_STATES,
  ResultWaiter,
  RevocationService,
  type TaskState,
  revokeResult,
} from '@brain/tasks';
import { auditCli } from '../../cli-audit';
import { runCommand } from '../../cli-error';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printJson, printLine } from '../../output/print';
import { withControlApp } from '../../with-control-app';

interface CancelOptions extends OutputOptions {
  terminate?: boolean;
}

/** How long --terminate waits to see a running task stop, before answering what it reads then. */
const TERMINATE_CONFIRM_MS = 10_000;

@SubCommand({
  name: 'cancel',
  arguments: '<task_id>',
  argsDescription: { task_id: 'the task to revoke' },
  description:
    'Revoke a task: a waiting one never runs; with --terminate a running one is stopped too',
})
export class TasksCancelCommand extends OutputCommand<CancelOptions> {
  async run([taskId]: string[], options: CancelOptions = {}): Promise<void> {
    await runCommand(() =>
      withControlApp(async (app) => {
        const terminate = options.terminate === true;
        const outcome = await app.get(RevocationService).revoke(taskId, terminate);
        await auditCli(app, 'task.revoke', { taskId, detail: { terminate } });
        // A running task stops when its worker hears the broadcast: wait to report that, not a guess.
        if (terminate && outcome.state === 'STARTED') {
          const waited = await app.get(ResultWaiter).wait(taskId, TERMINATE_CONFIRM_MS);
          outcome.state = waited.record.state;
        }
        if (options.json) return printJson(revokeResult(outcome));
        printLine(describe(taskId, outcome.previous_state, outcome.state, terminate));
      }),
    );
  }

  @Option({ flags: '--terminate', description: 'also stop it if it is running' })
  parseTerminate(): boolean {
    return true;
  }
}

function describe(taskId: string, before: TaskState, now: TaskState, terminate: boolean): string {
  if (READY_STATES.has(before)) return `${taskId} had already ended ${before}: nothing to revoke`;
  if (now === 'REVOKED')
    return `revoked ${taskId} (was ${before}${before === 'STARTED' ? ', terminated' : ''})`;
  if (now === 'STARTED' && !terminate)
    return `${taskId} is running: revoked, it finishes anyway (add --terminate to stop it)`;
  if (now === 'STARTED')
    return `${taskId} is running: terminate sent, it still reads STARTED (is its worker alive?)`;
  return `${taskId} is ${now} (was ${before}): revocation sent to the workers`;
}
