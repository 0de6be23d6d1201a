import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ROOT = join(__dirname, '..', '..');

export interface Healthcheck {
  test: string[];
}

export interface Service {
  image?: string;
  build?: string;
  command?: string[];
  restart?: string;
  hostname?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: Healthcheck;
  depends_on?: Record<string, { condition: string }>;
  secrets?: string[];
}

export interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { environment?: string; file?: string }>;
}

/** A compose file of the repository, YAML merge keys applied. */
export function readCompose(path: string): Compose {
  return parse(readFileSync(join(ROOT, path), 'utf8'), { merge: true }) as Compose;
}

/**
 * `docker compose -f base -f override`, for the keys these files use: maps (environment,
 * depends_on) merge key by key, lists of volumes add up, anything else the override replaces.
 */
export function withOverride(base: Compose, override: Partial<Compose>): Compose {
  const services: Record<string, Service> = { ...base.services };
  for (const [name, over] of Object.entries(override.services ?? {})) {
    const was = services[name] ?? {};
    services[name] = {
      ...was,
      ...over,
      environment: { ...was.environment, ...over.environment },
      depends_on: { ...was.depends_on, ...over.depends_on },
      volumes: [...(was.volumes ?? []), ...(over.volumes ?? [])],
    };
  }
  return {
    services,
    volumes: { ...base.volumes, ...override.volumes },
    secrets: { ...base.secrets, ...override.secrets },
  };
}

/** The compose file's ${VAR:?message} and ${VAR:-default}, as a deployment would fill them. */
export function substitute(value: string): string {
  return value
    .replace(/\$\{(\w+):\?[^}]*\}/g, (_, name: string) => `${name.toLowerCase()}-`.padEnd(40, 'x'))
    .replace(/\$\{(\w+):-([^}]*)\}/g, (_, _name: string, fallback: string) => fallback);
}

/** A service's environment as the deployment fills it. */
export function environmentOf(service: Service): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, substitute(String(v))]),
  );
}

/** The services that run the image built here (brain processes). */
export function brainServicesOf(compose: Compose): Array<[string, Service]> {
  return Object.entries(compose.services).filter(([, s]) => s.build === '.');
}
