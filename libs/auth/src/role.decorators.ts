import { SetMetadata } from '@nestjs/common';
import type { Role } from './roles';

export const ROLE_KEY = 'brain:role';
export const PUBLIC_KEY = 'brain:public';

/** The least role a call needs; calls that say nothing need admin. */
export const RequireRole = (role: Role) => SetMetadata(ROLE_KEY, role);

/** No API key needed (health, docs, the UI's login). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
