import { SetMetadata } from '@nestjs/common';
import type { ApiKeyRole } from '@brain/storage';

/** Each role can do what the roles after it can: admin > operator > viewer. */
const RANK: Record<ApiKeyRole, number> = { viewer: 0, operator: 1, admin: 2 };

export function roleAllows(held: ApiKeyRole, needed: ApiKeyRole): boolean {
  return RANK[held] >= RANK[needed];
}

export const ROLE_KEY = 'brain:role';
export const PUBLIC_KEY = 'brain:public';

/** The least role a call needs; calls that say nothing need admin. */
export const RequireRole = (role: ApiKeyRole) => SetMetadata(ROLE_KEY, role);

/** No API key needed (health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
