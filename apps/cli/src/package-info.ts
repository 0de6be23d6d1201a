import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'brain-tasks';

/**
 * This installation's package.json: found by walking up from here, since the built file sits
 * deeper under dist/ than the source does.
 */
export function ownPackage(): { name: string; version: string } {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME) return { name: pkg.name, version: pkg.version ?? 'unknown' };
    }
    if (dirname(dir) === dir) return { name: PACKAGE_NAME, version: 'unknown' };
  }
}

/** The installed version of a dependency (from its package.json). */
export function dependencyVersion(name: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
