import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RequireRole, type Role, ROLES, roleAllows } from '@brain/auth';
import { ErrorResponseDto } from '../http/error-response.dto';

/** The name of the bearer scheme in the OpenAPI document. */
export const API_KEY_SCHEME = 'api-key';

/**
 * The least role a call (or every call of a controller) needs, and the same in the OpenAPI
 * document: the bearer key, its 401, and a 403 only where some role is too low for it.
 * `alsoForbidden` says what else answers 403 (a task whose own role is higher).
 */
export function ApiAccess(role: Role, alsoForbidden?: string): ClassDecorator & MethodDecorator {
  const refusable = ROLES.some((held) => !roleAllows(held, role));
  return applyDecorators(
    RequireRole(role),
    ApiBearerAuth(API_KEY_SCHEME),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'No API key, or an unknown, expired or revoked one',
    }),
    ...(refusable
      ? [
          ApiForbiddenResponse({
            type: ErrorResponseDto,
            description: `The key's role is below ${role}${alsoForbidden ? `, or ${alsoForbidden}` : ''}`,
          }),
        ]
      : []),
  );
}
