import { Redis } from 'ioredis';
import type { RedisEndpoint } from './redis-endpoint';

/** The channel every sentinel announces a new master on: `<name> <old-ip> <old-port> <new-ip> <new-port>`. */
const SWITCH_CHANNEL = '+switch-master';

export interface MasterAddress {
  host: string;
  port: number;
}

/**
 * Listens to every sentinel of the endpoint for a new master of its group. In a switchover (the
 * master demoted while it runs, as a managed service does for maintenance) the old master keeps
 * its clients and takes their writes until the sentinels demote it, about ten seconds later, and
 * those writes are lost when it resyncs. The caller reconnects its clients at the announcement.
 *
 * One subscription per process, not ioredis' failoverDetector (one per client, and in ioredis 6
 * it ends a client that is reconnecting when the announcement comes: see redis-endpoint.ts).
 */
export class SentinelSwitchWatch {
  private readonly subscribers: Redis[] = [];

  constructor(
    private readonly endpoint: RedisEndpoint,
    private readonly onSwitch: (master: MasterAddress) => void,
    private readonly onError: (err: Error) => void,
  ) {}

  start(): void {
    const { sentinels = [], name, sentinelUsername, sentinelPassword } = this.endpoint;
    for (const sentinel of sentinels) {
      const subscriber = new Redis({
        host: sentinel.host,
        port: sentinel.port,
        username: sentinelUsername ?? undefined,
        password: sentinelPassword ?? undefined,
        tls: this.endpoint.enableTLSForSentinelMode ? {} : undefined,
        connectionName: 'brain:sentinel-watch',
        // A sentinel that is down is tried again quietly: the others still announce.
        retryStrategy: (times) => Math.min(times * 500, 5000),
        maxRetriesPerRequest: null,
      });
      subscriber.on('error', (err: Error) => this.onError(err));
      subscriber.on('message', (channel: string, message: string) => {
        if (channel !== SWITCH_CHANNEL) return;
        const [group, , , host, port] = message.split(' ');
        if (group === name && host && port) this.onSwitch({ host, port: Number(port) });
      });
      void subscriber.subscribe(SWITCH_CHANNEL).catch((err: Error) => this.onError(err));
      this.subscribers.push(subscriber);
    }
  }

  close(): void {
    for (const subscriber of this.subscribers.splice(0)) subscriber.disconnect();
  }
}
