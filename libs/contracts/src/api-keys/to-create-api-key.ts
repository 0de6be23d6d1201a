import type { CreateApiKey } from '@brain/storage';
import type { CreateApiKeyDto } from './create-api-key.dto';

/** A checked POST /api/keys body as the key store's input: the API's and `brain apikeys create`'s. */
export function toCreateApiKey(dto: CreateApiKeyDto): CreateApiKey {
  return {
    name: dto.name,
    role: dto.role,
    expiresAt: dto.expires_at ? new Date(dto.expires_at) : null,
  };
}
