import { ReplicaAckError } from '../errors/replica-ack.error';

/** Durable sending: how many replicas must hold a write, and how long to wait for them. */
export interface ReplicaAckPolicy {
  /** REDIS_MIN_REPLICAS_ACK; 0 turns durable sending off. */
  replicas: number;
  /** REDIS_REPLICAS_ACK_TIMEOUT_MS: the bound on each wait. */
  timeoutMs: number;
}

/** The one command needed of a connection (ioredis has it; BullMQ's client proxies it). */
export interface WaitingClient {
  wait(numreplicas: number, timeout: number): Promise<number>;
}

/**
 * Redis WAIT on the connection that made the writes: it covers every earlier write of that
 * connection. Throws ReplicaAckError when fewer than `policy.replicas` confirmed in time.
 */
export async function confirmReplicas(
  client: WaitingClient,
  policy: ReplicaAckPolicy,
  what: string,
): Promise<void> {
  if (policy.replicas <= 0) return;
  const acknowledged = await client.wait(policy.replicas, policy.timeoutMs);
  if (acknowledged < policy.replicas)
    throw new ReplicaAckError(policy.replicas, acknowledged, policy.timeoutMs, what);
}
