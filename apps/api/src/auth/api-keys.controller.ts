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
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiKeyStore } from '@brain/storage';
import { Audited } from '../audit/audited.decorator';
import { ErrorResponseDto } from '../http/error-response.dto';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/create-api-key.dto';
import { RequireRole } from './roles';

/** API keys, admin only. A key's secret is shown once, when it is created. */
@ApiTags('api-keys')
@ApiBearerAuth('api-key')
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@ApiForbiddenResponse({ type: ErrorResponseDto })
@RequireRole('admin')
@Controller('api/keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyStore) {}

  @Post()
  @Audited('api_key.create')
  @ApiOperation({ summary: 'Create a key with a role (and an optional expiry)' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async create(@Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { key, secret } = await this.keys.create({
      name: dto.name,
      role: dto.role,
      expiresAt: dto.expires_at ? new Date(dto.expires_at) : null,
    });
    return { ...key, secret };
  }

  @Get()
  @ApiOperation({ summary: 'Every key, newest first (secrets are never shown again)' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(): Promise<ApiKeyDto[]> {
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @Audited('api_key.revoke')
  @ApiOperation({ summary: 'Revoke a key: it stops working at once' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async revoke(@Param('id') id: string): Promise<void> {
    if (!(await this.keys.revoke(id)))
      throw new NotFoundException(`No active API key with id "${id}"`);
  }
}
