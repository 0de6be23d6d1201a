import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { roleOf } from '@brain/auth';
import { WebhookSecrets } from '@brain/missions';
import { Audited } from '@brain/http';
import { ApiAccess } from '../auth/api-access.decorator';
import { ApiErrors, BODY_ERRORS } from '../http/api-errors.decorator';
import { RotateWebhookSecretDto, WebhookSecretDto } from './dto/webhook-secret.dto';

const NO_KEYRING =
  'BRAIN_MASTER_KEY is not set on the API, or is not the master key the secret was sealed with';

/**
 * The secret webhooks are signed with, for receivers to verify them: admin only, every read
 * audited (whoever holds it can forge webhooks), never cached.
 */
@ApiTags('notifications')
@ApiAccess(roleOf('webhook_secret.manage'))
@Controller('api/notifications/webhook-secret')
export class WebhookSecretController {
  constructor(private readonly secrets: WebhookSecrets) {}

  @Get()
  @Audited('webhook_secret.read')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'getWebhookSecret',
    summary: 'The webhook signing secret (made on first use)',
    description:
      'Receivers check `X-Brain-Signature: sha256=<hex HMAC-SHA256 of the raw body>` with it; ' +
      'after a rotation, `previous_secret` signs `X-Brain-Signature-Previous` until ' +
      '`previous_valid_until`.',
  })
  @ApiOkResponse({ type: WebhookSecretDto, description: 'The secret (and the previous one)' })
  @ApiErrors({ 503: NO_KEYRING })
  read(): Promise<WebhookSecretDto> {
    return this.secrets.read();
  }

  @Post('rotate')
  @HttpCode(200)
  @Audited('webhook_secret.rotate')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    operationId: 'rotateWebhookSecret',
    summary: 'Replace the webhook signing secret with a new random one',
    description:
      'The new secret signs `X-Brain-Signature` at once; the old one keeps signing ' +
      '`X-Brain-Signature-Previous` for `grace_seconds` (default a day, 0 for none), so that ' +
      'receivers can switch without refusing webhooks.',
  })
  @ApiOkResponse({ type: WebhookSecretDto, description: 'The new secret, and the previous one' })
  @ApiErrors({ ...BODY_ERRORS, 503: NO_KEYRING })
  rotate(@Body() dto: RotateWebhookSecretDto): Promise<WebhookSecretDto> {
    return this.secrets.rotate(dto.grace_seconds);
  }
}
