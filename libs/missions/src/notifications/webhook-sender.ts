import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SecretStore } from '@brain/storage';
import { type Delivery, elapsed } from './delivery';
import {
  DEFAULT_NOTIFICATION_TIMEOUT_MS,
  NOTIFICATION_OPTIONS,
  type NotificationOptions,
} from './notification-options';

/** The SecretStore name of the key webhooks are signed with (created on first use). */
export const WEBHOOK_SECRET_NAME = 'webhook-signing-secret';
export const SIGNATURE_HEADER = 'X-Brain-Signature';
export const TIMESTAMP_HEADER = 'X-Brain-Timestamp';

/** `sha256=<hex HMAC-SHA256 of the raw body>`: what a receiver recomputes to check a webhook. */
export function signWebhook(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** POSTs signed JSON to webhook URLs, one request per URL, each with a timeout. */
@Injectable()
export class WebhookSender {
  constructor(
    private readonly secrets: SecretStore,
    @Inject(NOTIFICATION_OPTIONS) private readonly options: NotificationOptions,
  ) {}

  /** The signing secret (hex of 32 random bytes), created and stored on first use. */
  async signingSecret(): Promise<string> {
    const existing = await this.secrets.get(WEBHOOK_SECRET_NAME);
    if (existing !== undefined) return existing;
    await this.secrets.put(WEBHOOK_SECRET_NAME, randomBytes(32).toString('hex'));
    // Read back: of two processes creating it at once, the last write wins for both.
    return (await this.secrets.get(WEBHOOK_SECRET_NAME)) as string;
  }

  /**
   * Sends `rawBody` to each URL; a 2xx answer is delivered, anything else (another status, a
   * timeout, a connection error) failed. Never throws for a delivery problem. `timestamp` goes in
   * X-Brain-Timestamp (it is the body's `sent_at`, so the signature covers it too).
   */
  async send(
    urls: readonly string[],
    rawBody: string,
    timestamp: string,
    signal?: AbortSignal,
  ): Promise<Delivery[]> {
    const signature = signWebhook(await this.signingSecret(), rawBody);
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_NOTIFICATION_TIMEOUT_MS;
    const deliveries: Delivery[] = [];
    for (const url of urls) {
      const t0 = performance.now();
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'BRAiN-Tasks-Webhook/1',
            [SIGNATURE_HEADER]: signature,
            [TIMESTAMP_HEADER]: timestamp,
          },
          body: rawBody,
          // A redirect is not a delivery: the body would not reach the URL that was given.
          redirect: 'manual',
          signal: combined,
        });
        await res.body?.cancel().catch(() => undefined);
        const ok = res.status >= 200 && res.status < 300;
        deliveries.push({
          recipient: url,
          outcome: ok ? 'delivered' : 'failed',
          detail: `HTTP ${res.status}`,
          transient: !ok && (res.status >= 500 || res.status === 408 || res.status === 429),
          duration_ms: elapsed(t0),
        });
      } catch (err) {
        const timedOut = timeout.aborted && !signal?.aborted;
        const e = err as Error & { cause?: { code?: string; message?: string } };
        deliveries.push({
          recipient: url,
          outcome: 'failed',
          detail: timedOut
            ? `timed out after ${timeoutMs} ms`
            : signal?.aborted
              ? 'aborted'
              : (e.cause?.code ?? e.cause?.message ?? e.message),
          transient: true,
          duration_ms: elapsed(t0),
        });
      }
    }
    return deliveries;
  }
}
