import type { AuditQuery } from '@brain/storage';
import type { ListAuditQuery } from './audit.dto';

export const DEFAULT_AUDIT_PAGE = 50;

/** The storage query of a checked GET /api/audit: the one mapping of the API, the CLI and the UI. */
export function toAuditQuery(q: ListAuditQuery): AuditQuery & { limit: number; offset: number } {
  return {
    action: q.action,
    principal: q.principal,
    status: q.status,
    since: q.since ? new Date(q.since) : undefined,
    until: q.until ? new Date(q.until) : undefined,
    limit: q.limit ?? DEFAULT_AUDIT_PAGE,
    offset: q.offset ?? 0,
  };
}
