import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  DEFAULT_ROTATION_GRACE_SECONDS,
  MAX_ROTATION_GRACE_SECONDS,
  type WebhookSecretView,
} from '@brain/missions';
import { DATE_TIME } from '@brain/contracts';

const HEX_SECRET = '3f9c0e5a1b7d4c2e8f6a0b9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e';

export class WebhookSecretDto implements WebhookSecretView {
  @ApiProperty({
    example: HEX_SECRET,
    description:
      'Hex of 32 random bytes. `X-Brain-Signature` is `sha256=` and the hex HMAC-SHA256 of the ' +
      'raw request body with it',
  })
  secret!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: null,
    description:
      'The secret before the last rotation, during its grace period: webhooks also carry ' +
      '`X-Brain-Signature-Previous`, made with it. Null otherwise',
  })
  previous_secret!: string | null;

  @ApiProperty({
    ...DATE_TIME,
    nullable: true,
    example: null,
    description: 'When the previous secret stops signing',
  })
  previous_valid_until!: string | null;
}

export class RotateWebhookSecretDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_ROTATION_GRACE_SECONDS,
    default: DEFAULT_ROTATION_GRACE_SECONDS,
    description:
      'Seconds the old secret keeps signing (as `X-Brain-Signature-Previous`); 0: it stops at once',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_ROTATION_GRACE_SECONDS)
  grace_seconds?: number;
}
