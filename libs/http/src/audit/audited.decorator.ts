import { SetMetadata } from '@nestjs/common';

export const AUDIT_KEY = 'brain:audit';

/** A mutating call: each one, allowed or not by the outcome, leaves an audit entry. */
export const Audited = (action: string) => SetMetadata(AUDIT_KEY, action);
