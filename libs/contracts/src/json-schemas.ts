import type { ApiPropertyOptions } from '@nestjs/swagger';

/** Any JSON value, null included: task arguments and results are whatever the task takes or gives. */
export const ANY_JSON = {
  anyOf: [
    { type: 'object', additionalProperties: true },
    { type: 'array', items: {} },
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'null' },
  ],
} satisfies ApiPropertyOptions;

/** A JSON array of any values (positional arguments). */
export const JSON_ARRAY = { type: 'array', items: {} } satisfies ApiPropertyOptions;

/** A JSON object of any values (keyword arguments, metadata, payloads). */
export const JSON_OBJECT = {
  type: 'object',
  additionalProperties: true,
} satisfies ApiPropertyOptions;

/** An instant as the API writes it (ISO 8601, UTC: `2026-11-29T10:30:00.000Z`). */
export const DATE_TIME = { type: 'string', format: 'date-time' } satisfies ApiPropertyOptions;
