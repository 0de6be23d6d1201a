import * as nest from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { resolve } from 'node:path';
import * as engine from '@brain/tasks';
import { TaskInputError } from '@brain/tasks';
import { requireIncluded } from './include-require';

/**
 * An included file's `register`: handed the engine and the app's own `@nestjs/common`
 * (Injectable, Module, Inject, Logger...), it declares its tasks without importing anything.
 */
export type IncludeRegister = (tasks: typeof engine, nestCommon: typeof nest) => Type | Type[];

/** An included file that cannot be used: bad input from whoever started the process (CLI: 2). */
export class IncludeError extends TaskInputError {
  constructor(path: string, reason: string) {
    super(`include ${path}: ${reason}`, 'include');
  }
}

/**
 * Celery's `--include`: extra task modules loaded by path, for tasks that live outside this
 * repository, anywhere on disk. A file exports Nest module classes, or `register(engine, nest)`
 * returning them.
 */
export function loadIncludes(raw: string | undefined): Type[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap(loadInclude);
}

function loadInclude(path: string): Type[] {
  let filename: string;
  try {
    filename = require.resolve(resolve(path));
  } catch {
    throw new IncludeError(path, 'no such file');
  }
  let exported: unknown;
  try {
    exported = requireIncluded(filename);
  } catch (err) {
    throw new IncludeError(path, firstLine(err));
  }
  if (isClass(exported)) return [exported];
  const register = (exported as { register?: unknown } | null)?.register;
  if (typeof register === 'function' && !isClass(register)) {
    let built: unknown;
    try {
      built = (register as IncludeRegister)(engine, nest);
    } catch (err) {
      throw new IncludeError(path, `register() failed: ${firstLine(err)}`);
    }
    const modules = [built].flat();
    if (!modules.length || !modules.every(isClass))
      throw new IncludeError(path, 'register() returned no Nest module class');
    return modules;
  }
  const modules = Object.values(exported ?? {}).filter(isClass);
  if (!modules.length)
    throw new IncludeError(
      path,
      'exports no Nest module (export module classes, or register(engine, nest) returning them)',
    );
  return modules;
}

/** Node's messages go on with the require stack: the first line says what went wrong. */
function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

function isClass(value: unknown): value is Type {
  return typeof value === 'function' && /^class\s/.test(Function.prototype.toString.call(value));
}
