import type { DatabaseConfig } from '@brain/config';
import request from 'supertest';
import { freePort } from '../../apps/cli/src';
import { BrainProcess } from './brain-process';

export { freePort };

/** The admin key every test API process starts with (ADMIN_API_KEY). */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef-01234567';

export function databaseUrl(config: DatabaseConfig): string {
  return config.kind === 'sqlite' ? `sqlite://${config.path}` : config.url;
}

/** A real `brain api start` process on the test Redis (or `env.REDIS_URL`) and a database. */
export class ApiProcess {
  private constructor(
    readonly process: BrainProcess,
    readonly url: string,
  ) {}

  static async start(
    prefix: string,
    database: DatabaseConfig,
    env: Record<string, string> = {},
  ): Promise<ApiProcess> {
    const port = await freePort();
    const proc = new BrainProcess(['api', 'start', '--port', String(port)], prefix, {
      DATABASE_URL: databaseUrl(database),
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      API_HOST: '127.0.0.1',
      ...env,
    });
    await proc.ready(/API listening on/);
    return new ApiProcess(proc, `http://127.0.0.1:${port}`);
  }

  /** supertest on this API; `key` (the admin key by default, null for none) as bearer. */
  as(key: string | null = TEST_ADMIN_KEY) {
    const http = request(this.url);
    const auth = <T extends request.Test>(t: T): T =>
      key ? t.set('Authorization', `Bearer ${key}`) : t;
    return {
      get: (path: string) => auth(http.get(path)),
      post: (path: string) => auth(http.post(path)),
      delete: (path: string) => auth(http.delete(path)),
    };
  }

  get log(): string {
    return this.process.log;
  }

  stop(): Promise<number | null> {
    return this.process.stop();
  }
}
