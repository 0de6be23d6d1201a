import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every error this API answers with. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'countdown must not be less than 0' })
  message!: string;

  @ApiPropertyOptional({ description: 'The request field at fault', example: 'countdown' })
  field?: string;
}
