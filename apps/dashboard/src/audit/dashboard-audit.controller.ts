import { Controller, Get, Query } from '@nestjs/common';
import { RequireRole } from '@brain/auth';
import { AuditLog, type AuditPage } from '@brain/storage';
import { toAuditQuery, ListAuditQuery } from '@brain/contracts';

/** The audit log page's reads: GET /api/audit of the API, admins only here as there. */
@Controller('api/audit')
export class DashboardAuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @RequireRole('admin')
  list(@Query() q: ListAuditQuery): Promise<AuditPage> {
    return this.audit.page(toAuditQuery(q));
  }
}
