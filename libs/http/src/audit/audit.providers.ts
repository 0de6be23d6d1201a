import type { Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditStartGuard } from './audit-start.guard';
import { AuditTrail, auditWriteFailuresCounter } from './audit-trail';
import { AuditInterceptor } from './audit.interceptor';

/**
 * The audit of an app's calls. List these first among its providers: global guards run in the
 * order they are declared, and the audit must see a call before any guard can refuse it. The
 * app's exception filter (ApiExceptionFilter) writes the entries of refused and failed calls.
 */
export const AUDIT_PROVIDERS: Provider[] = [
  { provide: APP_GUARD, useClass: AuditStartGuard },
  { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  AuditTrail,
  auditWriteFailuresCounter,
];
