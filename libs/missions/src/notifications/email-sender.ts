import { Inject, Injectable } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { type Delivery, elapsed } from './delivery';
import {
  DEFAULT_NOTIFICATION_TIMEOUT_MS,
  NOTIFICATION_OPTIONS,
  type NotificationOptions,
} from './notification-options';

export interface EmailMessage {
  subject: string;
  text: string;
}

/** Why an email notification was not sent at all. */
export const NO_SMTP_URL = 'SMTP_URL is not set';

/** Sends notification emails over SMTP (nodemailer), one message per recipient. */
@Injectable()
export class EmailSender {
  constructor(@Inject(NOTIFICATION_OPTIONS) private readonly options: NotificationOptions) {}

  /** False when SMTP_URL is unset: nothing can be sent. */
  get configured(): boolean {
    return Boolean(this.options.smtpUrl);
  }

  get from(): string {
    return this.options.smtpFrom ?? 'brain@localhost';
  }

  /**
   * Sends `message` to each recipient on its own (they do not see each other) and reports each
   * outcome; never throws for a delivery problem. Aborting `signal` closes the connection.
   */
  async send(
    recipients: readonly string[],
    message: EmailMessage,
    signal?: AbortSignal,
  ): Promise<Delivery[]> {
    if (!this.options.smtpUrl) throw new Error(NO_SMTP_URL);
    const timeout = this.options.timeoutMs ?? DEFAULT_NOTIFICATION_TIMEOUT_MS;
    const url = new URL(this.options.smtpUrl);
    const secure = url.protocol === 'smtps:';
    const transport = createTransport({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      auth: url.username
        ? {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          }
        : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    const abort = () => transport.close();
    signal?.addEventListener('abort', abort, { once: true });
    const deliveries: Delivery[] = [];
    try {
      for (const recipient of recipients) {
        const t0 = performance.now();
        if (signal?.aborted) {
          deliveries.push({
            recipient,
            outcome: 'failed',
            detail: 'aborted',
            transient: true,
            duration_ms: 0,
          });
          continue;
        }
        try {
          const info = await transport.sendMail({
            from: this.from,
            to: recipient,
            subject: message.subject,
            text: message.text,
          });
          const rejected = info.rejected.length > 0;
          deliveries.push({
            recipient,
            outcome: rejected ? 'failed' : 'delivered',
            detail: info.response,
            transient: false,
            duration_ms: elapsed(t0),
          });
        } catch (err) {
          const e = err as Error & { responseCode?: number; response?: string; code?: string };
          deliveries.push({
            recipient,
            outcome: 'failed',
            detail: e.response ?? `${e.code ? `${e.code}: ` : ''}${e.message}`,
            // 5xx is a permanent refusal; 4xx and connection problems may pass later.
            transient: !(e.responseCode && e.responseCode >= 500),
            duration_ms: elapsed(t0),
          });
        }
      }
    } finally {
      signal?.removeEventListener('abort', abort);
      transport.close();
    }
    return deliveries;
  }
}
