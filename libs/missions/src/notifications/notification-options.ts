/** Where notification emails go; from AppConfigService (SMTP_URL, SMTP_FROM) unless given. */
export interface NotificationOptions {
  /** smtp[s]://[user:password@]host[:port]; unset: emails are recorded undelivered. */
  smtpUrl?: string;
  /** Default `brain@localhost`. */
  smtpFrom?: string;
  /** Per-request timeout of webhooks and SMTP connections, ms; default 10 000. */
  timeoutMs?: number;
}

export const NOTIFICATION_OPTIONS = Symbol('NOTIFICATION_OPTIONS');
export const DEFAULT_NOTIFICATION_TIMEOUT_MS = 10_000;
