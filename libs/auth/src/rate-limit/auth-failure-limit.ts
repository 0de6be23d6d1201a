import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request } from 'express';
import type { RedisClient } from '@brain/tasks';
import ipaddr from 'ipaddr.js';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { AuthRateLimit } from '@brain/config';

/**
 * The client a failure is counted against: its IP (as `trust proxy` resolved it), an IPv4-mapped
 * IPv6 address as the IPv4 one, and an IPv6 address by its /64, which one holder usually has whole.
 */
export function clientOf(ip: string | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return 'unknown';
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}

/**
 * Failed authentications (an unknown, expired or revoked API key, on the API or at the UI's
 * login) counted per client in RedisClient, so that every API and UI process shares one count. Once a
 * client has failed `failures` times within a window, every authentication it attempts is
 * answered 429 with Retry-After until the window ends, before its key is even looked at: a
 * right guess then looks like a wrong one. Successful calls are never counted.
 */
export class AuthFailureLimit {
  private readonly logger = new Logger('AuthRateLimit');
  private unavailable = false;
  /** rate-limiter-flexible's fixed window: a failure is a point, the first one starts the window. */
  private readonly limiter: RateLimiterRedis | null;

  constructor(
    redis: RedisClient,
    prefix: string,
    private readonly limit: AuthRateLimit | null,
  ) {
    this.limiter =
      limit &&
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}:auth-failures`,
        points: limit.failures,
        duration: limit.windowSeconds,
      });
  }

  /** Seconds until `client` may authenticate again; 0 when it may now. */
  async retryAfter(client: string): Promise<number> {
    const { limiter, limit } = this;
    if (!limiter || !limit) return 0;
    // Read without counting: a blocked client's attempts do not stretch its window.
    const state = await this.guarded(() => limiter.get(client));
    if (!state || state.consumedPoints < limit.failures) return 0;
    return state.msBeforeNext > 0 ? Math.ceil(state.msBeforeNext / 1000) : limit.windowSeconds;
  }

  /** Counts a failed authentication of `client`. */
  async failed(client: string): Promise<void> {
    const limiter = this.limiter;
    if (!limiter) return;
    await this.guarded(() => limiter.penalty(client));
  }

  /** Refuses (429, Retry-After) a request whose client has failed too often. */
  async refuseIfLimited(req: Request): Promise<void> {
    const seconds = await this.retryAfter(clientOf(req.ip));
    if (seconds <= 0) return;
    req.res?.setHeader('Retry-After', String(seconds));
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `Too many failed authentications from this address: try again in ${seconds} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  /** Counts a failed authentication of the request's client. */
  failedRequest(req: Request): Promise<void> {
    return this.failed(clientOf(req.ip));
  }

  /**
   * RedisClient out of reach does not lock everyone out of calls that need only the database: the
   * limit is not applied meanwhile, and that is said once per outage.
   */
  private async guarded<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await work();
      this.unavailable = false;
      return result;
    } catch (err) {
      if (!this.unavailable) {
        this.logger.warn(`failed authentications not counted: ${(err as Error).message}`);
      }
      this.unavailable = true;
      return undefined;
    }
  }
}
