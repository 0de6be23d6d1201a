import { plainToInstance } from 'class-transformer';
import { type ValidationError, validateSync } from 'class-validator';
import { TaskInputError } from '@brain/tasks';
import { CliError } from '../cli-error';

/** Which command-line option (or argument) stands for each API field. */
export type FlagNames = Readonly<Record<string, string>>;

/**
 * Checks options with the REST API's own DTO rules (the same class-validator constraints as its
 * ValidationPipe), so that the CLI and the API accept the same input. The first failure is bad
 * usage, naming the option: `--priority must not be greater than 9`.
 */
export function validateAsApi<T extends object>(
  dto: new () => T,
  plain: Record<string, unknown>,
  flags: FlagNames,
): T {
  const defined = Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined));
  const instance = plainToInstance(dto, defined);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw usageError(firstMessage(errors[0]), errors[0].property, flags);
  return instance;
}

/** The engine's refusal (unknown task, args that do not fit...) as bad usage naming the option. */
export function usageFromTaskInput(err: unknown, flags: FlagNames): unknown {
  return err instanceof TaskInputError ? usageError(err.message, err.field, flags) : err;
}

function firstMessage(error: ValidationError): string {
  if (error.constraints) return Object.values(error.constraints)[0];
  const child = error.children?.[0];
  return child ? firstMessage(child) : `${error.property} is invalid`;
}

function usageError(message: string, field: string, flags: FlagNames): CliError {
  const flag = flags[field];
  if (!flag) return new CliError(message, 2);
  // "priority must ..." reads "--priority must ..."; other messages get the option in front.
  const leading = new RegExp(`^${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
  return new CliError(
    leading.test(message) ? message.replace(leading, flag) : `${flag}: ${message}`,
    2,
  );
}
