import type { Job } from 'bullmq';
import { jobWriteClient } from '../bullmq/write-clients';
import { confirmReplicas, type ReplicaAckPolicy } from '../redis/replica-ack';

/**
 * How long a durable send's job is held back while its replicas are awaited: far beyond the wait
 * itself (WAITs queued on one connection run one after another), so that no worker takes a job
 * that may still be taken back. Only a sender that dies mid-send leaves a job this late.
 */
export function durableHoldMs(policy: ReplicaAckPolicy): number {
  return Math.max(30_000, 10 * policy.timeoutMs);
}

/**
 * Durable sending, after the job was added held back (delayed by `durableHoldMs`): waits until the
 * replicas hold it, then lets it run at `dueAt`. When they do not confirm in time, the job is
 * taken back and the ReplicaAckError thrown: the caller gets no id of a task that could vanish.
 */
export async function confirmSend(
  job: Job,
  dueAt: number,
  policy: ReplicaAckPolicy,
  what: string,
): Promise<void> {
  try {
    await confirmReplicas(await jobWriteClient(job), policy, what);
  } catch (err) {
    // Still held back, so no worker has it; if even this fails, Redis is gone with the job.
    await job.remove().catch(() => undefined);
    throw err;
  }
  const wait = dueAt - Date.now();
  if (wait > 0) await job.changeDelay(wait);
  else await job.promote();
}
