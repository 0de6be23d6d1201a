import { createRequire, Module } from 'node:module';
import { extname, isAbsolute } from 'node:path';

/**
 * Packages an included file must share with the app, whatever copy lies next to it: Nest's
 * dependency injection keys on their classes (ModuleRef, forwardRef...), the engine on BullMQ's.
 */
const SHARED = /^(?:@nestjs\/[^/]+|reflect-metadata|bullmq|ioredis)(?:\/|$)/;

const projectRequire = createRequire(__filename);
/** The node_modules folders a file of the app looks in. */
const projectPaths = projectRequire.resolve.paths('_') ?? [];

/**
 * Loads a task module that may live outside the checkout (Celery's `-I`). Node would resolve its
 * `require`s from its own folder only, where `@nestjs/common` is usually missing: here packages
 * are looked for next to the file first, then in the project, and the shared ones always come
 * from the project. Only this file and the files it requires by relative path load this way;
 * nothing changes for the rest of the process.
 */
export function requireIncluded(filename: string): unknown {
  return loadScoped(filename, module).exports;
}

function loadScoped(filename: string, parent: NodeJS.Module): NodeJS.Module {
  const cached = require.cache[filename];
  if (cached) return cached;
  const loaded = new Module(filename, parent);
  loaded.filename = filename;
  const own = createRequire(filename).resolve.paths('_') ?? [];
  loaded.paths = [...new Set([...own, ...projectPaths])];
  loaded.require = (id: string): unknown => scopedRequire(loaded, id);
  require.cache[filename] = loaded;
  try {
    // What Module.prototype.load does, except that it would reset `paths` to the file's own.
    const extensions = require.extensions;
    (extensions[extname(filename)] ?? extensions['.js'])(loaded, filename);
  } catch (err) {
    delete require.cache[filename];
    throw err;
  }
  loaded.loaded = true;
  return loaded;
}

function scopedRequire(from: NodeJS.Module, id: string): unknown {
  if (id.startsWith('.') || isAbsolute(id))
    return loadScoped(createRequire(from.filename).resolve(id), from).exports;
  if (SHARED.test(id) && inProject(id)) return projectRequire(id);
  return Module.prototype.require.call(from, id);
}

function inProject(id: string): boolean {
  try {
    projectRequire.resolve(id);
    return true;
  } catch {
    return false;
  }
}
