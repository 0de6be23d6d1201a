import type { Role } from './roles';

/** Who is calling: the API key that authenticated the request (directly, or by a UI session). */
export interface Principal {
  keyId: string;
  name: string;
  role: Role;
}
