import { applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { RequireRole, type Role, ROLES, roleAllows } from '@brain/auth';
import { ErrorResponseDto } from '@brain/http';

/** The name of the bearer scheme in the OpenAPI document. */
export const API_KEY_SCHEME = 'api-key';

/** Marks an operation that takes a key but needs none (see openapi-document.ts). */
export const OPTIONAL_KEY_EXTENSION = 'x-brain-optional-key';

/**
 * What a sent key may be refused with: an unknown one (401), and any once this address has
 * failed too often (429, AUTH_RATE_LIMIT).
 */
export function KeyRefusals(
  unauthorized = 'No API key, or an unknown, expired or revoked one',
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: unauthorized }),
    ApiTooManyRequestsResponse({
      type: ErrorResponseDto,
      description:
        'Too many failed authentications from this address (AUTH_RATE_LIMIT): no key is ' +
        'looked at until the window ends',
      headers: {
        'Retry-After': {
          description: 'Seconds until this address may authenticate again',
          schema: { type: 'integer', minimum: 1 },
        },
      },
    }),
  );
}

/** A call that needs no key, but says more to a valid one (any role). */
export function ApiOptionalKey(unauthorized: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(API_KEY_SCHEME),
    ApiExtension(OPTIONAL_KEY_EXTENSION, true),
    KeyRefusals(unauthorized),
  );
}

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
    KeyRefusals(),
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
