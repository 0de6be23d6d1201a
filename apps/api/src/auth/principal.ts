import type { Request } from 'express';
import type { ApiKeyRole } from '@brain/storage';

/** Who is calling: the API key that authenticated the request. */
export interface Principal {
  keyId: string;
  name: string;
  role: ApiKeyRole;
}

export type ApiRequest = Request & { principal?: Principal };
