/** One recipient's outcome of one attempt. */
export interface Delivery {
  recipient: string;
  outcome: 'delivered' | 'failed';
  /** The SMTP response, `HTTP <status>`, or the error. */
  detail: string;
  /** A retry might succeed (timeouts, connection errors, HTTP 5xx/408/429, SMTP 4xx). */
  transient: boolean;
  duration_ms: number;
}

export function elapsed(t0: number): number {
  return Math.round(performance.now() - t0);
}
