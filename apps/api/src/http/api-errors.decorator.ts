import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { BODY_LIMIT, ErrorResponseDto } from '@brain/http';

type ErrorStatus = 400 | 404 | 409 | 413 | 503;

/** What a call taking a JSON body may be refused with: a bad field (400) or a body too large. */
export const BODY_ERRORS = {
  400: 'Malformed JSON, or a field is invalid: named in `field`',
  413: `The body is larger than ${BODY_LIMIT}`,
} as const;

/** Redis out of reach: calls that need it answer 503 at once (RedisGate). */
export const REDIS_DOWN = { 503: 'Redis is unreachable: try again shortly' } as const;

/** The error answers a call can give (401/403 come with ApiAccess), each an ErrorResponseDto. */
export function ApiErrors(
  errors: Partial<Record<ErrorStatus, string>>,
): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ...Object.entries(errors).map(([status, description]) =>
      ApiResponse({ status: Number(status), type: ErrorResponseDto, description }),
    ),
  );
}
