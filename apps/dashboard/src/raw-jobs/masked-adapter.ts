import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { Queue } from 'bullmq';
import { redactMessage, redactStrings, redactText, type TaskRegistry } from '@brain/tasks';

type BoardJob = Awaited<ReturnType<BullMQAdapter['getJobs']>>[number];

/**
 * bull-board's BullMQ adapter showing each job as the engine's records do: arguments masked by
 * the secret policy (declared sensitive params too), URL credentials masked in the failure and
 * the return value. Admins look under the engine here, not at stored secrets.
 */
export class MaskedBullMQAdapter extends BullMQAdapter {
  /** `partition` above 0 names the queue `p<n>-<queue>`: each partition's queues apart. */
  constructor(
    queue: Queue,
    private readonly registry: TaskRegistry,
    partition = 0,
  ) {
    super(queue, { readOnlyMode: true, prefix: partition ? `p${partition}-` : '' });
  }

  override async getJob(id: string): Promise<BoardJob | undefined> {
    const job = await super.getJob(id);
    return job ? this.masked(job) : undefined;
  }

  override async getJobs(...args: Parameters<BullMQAdapter['getJobs']>): Promise<BoardJob[]> {
    return (await super.getJobs(...args)).map((job) => this.masked(job));
  }

  private masked(job: BoardJob): BoardJob {
    const toJSON = job.toJSON.bind(job);
    const registry = this.registry;
    // On the instance: bull-board reads a job only through toJSON().
    job.toJSON = () => {
      const json = toJSON();
      const declared = registry.has(json.name) ? registry.get(json.name).options : undefined;
      return {
        ...json,
        data: redactMessage(declared, json.data),
        returnvalue: redactStrings(json.returnvalue),
        failedReason: json.failedReason && redactText(json.failedReason),
        stacktrace: json.stacktrace?.map((s) => s && redactText(s)) ?? json.stacktrace,
      } as typeof json;
    };
    return job;
  }
}
