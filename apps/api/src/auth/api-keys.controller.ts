import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { roleOf } from '@brain/auth';
import { ApiKeyStore } from '@brain/storage';
import { Audited } from '@brain/http';
import { ApiErrors, BODY_ERRORS } from '../http/api-errors.decorator';
import { ApiAccess } from './api-access.decorator';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto, toCreateApiKey } from '@brain/contracts';

/** API keys, admin only. A key's secret is shown once, when it is created. */
@ApiTags('api-keys')
@ApiAccess(roleOf('api_key.manage'))
@Controller('api/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyStore) {}

  @Post()
  @Audited('api_key.create')
  @ApiOperation({
    operationId: 'createApiKey',
    summary: 'Create a key with a role (and an optional expiry)',
    description:
      'Answers the key itself (`secret`) this once: only its hash is stored. Roles: viewer ' +
      'reads, operator also sends and revokes tasks, admin also purges and manages keys.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The key, with its secret' })
  @ApiErrors(BODY_ERRORS)
  async create(@Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { key, secret } = await this.keys.create(toCreateApiKey(dto));
    return { ...key, secret };
  }

  @Get()
  @ApiOperation({
    operationId: 'listApiKeys',
    summary: 'Every key, newest first (secrets are never shown again)',
    description: 'Revoked and expired keys included, with when each was last used.',
  })
  @ApiOkResponse({ type: [ApiKeyDto], description: 'Every key' })
  list(): Promise<ApiKeyDto[]> {
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @Audited('api_key.revoke')
  @ApiOperation({
    operationId: 'revokeApiKey',
    summary: 'Revoke a key: it stops working at once',
    description: 'Its next call answers 401; it is listed with `revoked_at` set.',
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors({ 404: 'No active key with this id' })
  async revoke(@Param('id') id: string): Promise<void> {
    if (!(await this.keys.revoke(id)))
      throw new NotFoundException(`No active API key with id "${id}"`);
  }
}
