import type { Type } from '@nestjs/common';
import { resolve } from 'node:path';
import * as engine from '@brain/tasks';

/** What an included file may export: Nest modules, or a function that builds them from the engine. */
type IncludeExport = Type | ((tasks: typeof engine) => Type | Type[]);

/**
 * Celery's `--include`: extra task modules loaded by path, for tasks that live outside this
 * repository. A file exports Nest module classes, or `register(engine)` returning them, so that it
 * can use the engine's decorators without resolving `@brain/tasks` itself.
 */
export function loadIncludes(raw: string | undefined): Type[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap((path) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = require(resolve(path)) as Record<string, IncludeExport>;
      const register = exported.register;
      if (typeof register === 'function' && !isClass(register)) {
        const built = (register as (tasks: typeof engine) => Type | Type[])(engine);
        return Array.isArray(built) ? built : [built];
      }
      const modules = Object.values(exported).filter(isClass);
      if (!modules.length) throw new Error(`--include ${path}: exports no Nest module`);
      return modules;
    });
}

function isClass(value: unknown): value is Type {
  return typeof value === 'function' && /^class\s/.test(Function.prototype.toString.call(value));
}
