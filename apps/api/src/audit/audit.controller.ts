import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '@brain/storage';
import { ApiAccess } from '../auth/api-access.decorator';
import { ApiErrors } from '../http/api-errors.decorator';
import { AuditPageDto, ListAuditQuery, toAuditQuery } from '@brain/contracts';

/** The audit log, for admins: it names every key and client address that called. */
@ApiTags('audit')
@ApiAccess('admin')
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  @ApiOperation({
    operationId: 'listAuditEntries',
    summary: 'The audit log, newest first, filtered and paginated',
    description:
      'Every state-changing call, allowed or refused (401, 403 with its reason), and the CLI’s ' +
      'changes; filtered by action, principal (key name), status and time. Read from the ' +
      'database: it answers while Redis is down.',
  })
  @ApiOkResponse({ type: AuditPageDto, description: 'A page of audit entries' })
  @ApiErrors({ 400: 'A query parameter is invalid: named in `field`' })
  list(@Query() q: ListAuditQuery): Promise<AuditPageDto> {
    return this.audit.page(toAuditQuery(q));
  }
}
