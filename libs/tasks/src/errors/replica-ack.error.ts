/**
 * Durable sending (REDIS_MIN_REPLICAS_ACK): fewer replicas than required confirmed a write in
 * time. The task was not sent (its job was taken back), so the caller holds no id that may vanish
 * in a failover; HTTP 503, CLI exit 1.
 */
export class ReplicaAckError extends Error {
  constructor(
    readonly required: number,
    readonly acknowledged: number,
    readonly timeoutMs: number,
    what: string,
  ) {
    super(
      `${what}: ${acknowledged} of ${required} Redis replica(s) confirmed within ${timeoutMs} ms (REDIS_MIN_REPLICAS_ACK); try again shortly`,
    );
    this.name = 'ReplicaAckError';
  }
}
