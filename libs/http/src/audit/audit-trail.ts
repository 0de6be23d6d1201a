import { Inject, Injectable, Logger } from '@nestjs/common';
import { getToken, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Request } from 'express';
import type { Counter } from 'prom-client';
import type { Principal } from '@brain/auth';
import { AuditLog } from '@brain/storage';
import { redactValue } from '@brain/tasks';

export const AUDIT_WRITE_FAILURES = 'brain_audit_write_failures_total';

/** Counted in this process's registry (the API serves it at /metrics), 0 from the start. */
export const auditWriteFailuresCounter = makeCounterProvider({
  name: AUDIT_WRITE_FAILURES,
  help: 'Audit entries that could not be written to the database (each one is also logged as an error).',
});

/**
 * The statuses whose message is kept as the entry's reason: refusals, worded by the guards
 * themselves. Other errors may quote the request (a validation message, a parser's excerpt of
 * the body), which the audit log never holds.
 */
const REFUSALS = new Set([401, 403, 429]);

type AuditedRequest = Request & { principal?: Principal };

interface OpenEntry {
  action: string;
  /** The status a success answers with (201 for a POST unless @HttpCode says otherwise). */
  success: number;
}

/**
 * One audit entry per audited call, whatever answers it: the call's handler (success), a guard,
 * a pipe or the handler refusing it (the exception filter). It is opened before any guard runs
 * (AuditStartGuard) and written once, before the answer goes out. A failed write never fails
 * the call (it is done, or refused, already) but is logged as an error and counted.
 */
@Injectable()
export class AuditTrail {
  private readonly logger = new Logger('Audit');
  private readonly open = new WeakMap<Request, OpenEntry>();

  constructor(
    private readonly audit: AuditLog,
    @Inject(getToken(AUDIT_WRITE_FAILURES)) private readonly failures: Counter,
  ) {}

  /** The call is to be audited as `action` once it has an outcome. */
  start(req: Request, action: string, success: number): void {
    this.open.set(req, { action, success });
  }

  /** The call succeeded: its entry, with what it answered (the task or object it made). */
  succeeded(req: AuditedRequest, answer: unknown): Promise<void> {
    const entry = this.open.get(req);
    return entry ? this.write(req, entry, entry.success, answer) : Promise.resolve();
  }

  /** The call was refused or failed with `status`; `message` is what its answer says. */
  failed(req: AuditedRequest, status: number, message: string): Promise<void> {
    const entry = this.open.get(req);
    if (!entry) return Promise.resolve();
    return this.write(req, entry, status, undefined, REFUSALS.has(status) ? message : null);
  }

  private async write(
    req: AuditedRequest,
    entry: OpenEntry,
    status: number,
    answer: unknown,
    reason: string | null = null,
  ): Promise<void> {
    this.open.delete(req);
    const answered = (answer ?? {}) as { task_id?: unknown; id?: unknown };
    const params = (req.params ?? {}) as Record<string, string | undefined>;
    const query = (req.query ?? {}) as Record<string, unknown>;
    try {
      await this.audit.record({
        // Set by the authentication guard once it knows the key: a 401 is anonymous, and the
        // key it presented is never kept.
        principal: req.principal?.name ?? 'anonymous',
        action: entry.action,
        taskId: params.task_id ?? (typeof answered.task_id === 'string' ? answered.task_id : null),
        target:
          params.id ??
          (typeof query.queue_name === 'string' ? query.queue_name : null) ??
          (typeof answered.id === 'string' ? answered.id : null),
        ip: req.ip ?? null,
        status,
        reason,
        // A query string may carry a token (`?api_key=`): kept as the secret policy shows it.
        detail: { method: req.method, path: req.path, query: redactValue(query) },
      });
    } catch (err) {
      this.failures.inc();
      this.logger.error(
        `audit entry not written (${entry.action}, status ${status}, by ` +
          `${req.principal?.name ?? 'anonymous'}): ${(err as Error).message}`,
      );
    }
  }
}
