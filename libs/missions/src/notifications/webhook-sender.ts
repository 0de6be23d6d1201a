import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { OutboundClient, OutboundRefusedError, OutboundTimeoutError } from '@brain/outbound';
import { type Delivery, elapsed } from './delivery';
import {
  DEFAULT_NOTIFICATION_TIMEOUT_MS,
  NOTIFICATION_OPTIONS,
  type NotificationOptions,
} from './notification-options';

import { WebhookSecrets } from './webhook-secret';

export const SIGNATURE_HEADER = 'X-Brain-Signature';
/** The signature with the previous secret, during a rotation's grace period only. */
export const PREVIOUS_SIGNATURE_HEADER = 'X-Brain-Signature-Previous';
export const TIMESTAMP_HEADER = 'X-Brain-Timestamp';

/** `sha256=<hex HMAC-SHA256 of the raw body>`: what a receiver recomputes to check a webhook. */
export function signWebhook(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/**
 * POSTs signed JSON to webhook URLs, one request per URL, each with a timeout, through the
 * guarded outbound client (internal addresses refused unless allowlisted).
 */
@Injectable()
export class WebhookSender {
  constructor(
    private readonly secrets: WebhookSecrets,
    @Inject(NOTIFICATION_OPTIONS) private readonly options: NotificationOptions,
    private readonly outbound: OutboundClient,
  ) {}

  /**
   * Sends `rawBody` to each URL; a 2xx answer is delivered, anything else (another status, a
   * timeout, a connection error) failed. Never throws for a delivery problem. `timestamp` goes in
   * X-Brain-Timestamp (it is the body's `sent_at`, so the signature covers it too). Throws (a
   * KeyringError) when the signing secret cannot be read: nothing is sent then.
   */
  async send(
    urls: readonly string[],
    rawBody: string,
    timestamp: string,
    signal?: AbortSignal,
  ): Promise<Delivery[]> {
    const { secret, previous_secret } = await this.secrets.read();
    const signatures = {
      [SIGNATURE_HEADER]: signWebhook(secret, rawBody),
      ...(previous_secret && {
        [PREVIOUS_SIGNATURE_HEADER]: signWebhook(previous_secret, rawBody),
      }),
    };
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_NOTIFICATION_TIMEOUT_MS;
    const deliveries: Delivery[] = [];
    for (const url of urls) {
      const t0 = performance.now();
      try {
        const res = await this.outbound.request(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'BRAiN-Tasks-Webhook/1',
            ...signatures,
            [TIMESTAMP_HEADER]: timestamp,
          },
          body: rawBody,
          timeoutMs,
          // Only the status counts; a redirect is not a delivery (the body would not reach the
          // URL that was given), so none is followed.
          maxBytes: 0,
          maxRedirects: 0,
          signal,
        });
        const ok = res.status >= 200 && res.status < 300;
        deliveries.push({
          recipient: url,
          outcome: ok ? 'delivered' : 'failed',
          detail: `HTTP ${res.status}`,
          transient: !ok && (res.status >= 500 || res.status === 408 || res.status === 429),
          duration_ms: elapsed(t0),
        });
      } catch (err) {
        deliveries.push({
          recipient: url,
          outcome: 'failed',
          detail:
            err instanceof OutboundTimeoutError
              ? `timed out after ${timeoutMs} ms`
              : signal?.aborted
                ? 'aborted'
                : (err as Error).message,
          // A refusal stays one: retrying cannot help.
          transient: !(err instanceof OutboundRefusedError),
          duration_ms: elapsed(t0),
        });
      }
    }
    return deliveries;
  }
}
