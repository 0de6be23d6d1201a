import SwaggerParser from '@apidevtools/swagger-parser';
import type { DatabaseConfig } from '@brain/config';
import { ApiProcess, freePort } from './support/api-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { PrivateRedis } from './support/private-redis';
import { uniquePrefix } from './support/redis';
import { waitFor } from './support/wait';

describe('the API when Redis goes away, and its OpenAPI document (real API process)', () => {
  let redis: PrivateRedis;
  let api: ApiProcess;
  let database: DatabaseConfig;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    database = await testSqliteConfig('api-resilience');
    api = await ApiProcess.start(uniquePrefix('api-resilience'), database, {
      REDIS_URL: redis.url,
    });
  });

  afterAll(async () => {
    await api?.stop();
    await redis?.stop();
    await dropTestDatabase(database);
  });

  const send = { task_name: 'backend.app.tasks.system_tasks.health_check' };

  it('answers 503 while Redis is down, and works again once it is back, without a restart', async () => {
    await api.as().post('/api/tasks/execute').send(send).expect(201);
    await redis.stop();

    const refused = await api.as().post('/api/tasks/execute').send(send);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({
      statusCode: 503,
      message: expect.stringMatching(/Redis/),
    });
    await api.as().get('/api/tasks/registered/list').expect(200); // needs no Redis
    await api.as().get('/api/tasks/active/list').expect(503);
    const health = await api.as(null).get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({
      status: 'error',
      error: { redis: { status: 'down' } },
      info: { database: { status: 'up' } },
    });

    await redis.start();
    await waitFor(
      async () => ((await api.as(null).get('/health')).status === 200 ? true : undefined),
      '/health to be 200 again',
    );
    // Every connection comes back on its own (each retries every 2 s at most).
    const sent = await waitFor(async () => {
      const res = await api.as().post('/api/tasks/execute').send(send);
      return res.status === 201 ? (res.body as { task_id: string }) : undefined;
    }, 'execute to work again');
    await api.as().get(`/api/tasks/${sent.task_id}`).expect(200);
  });

  it('serves Swagger UI and a valid OpenAPI 3 document of every endpoint', async () => {
    const ui = await api.as(null).get('/api/docs/');
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger-ui/i);
    const res = await api.as(null).get('/api/docs-json').expect(200);
    const doc = res.body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    expect(doc.components.securitySchemes['api-key']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/tasks/execute',
        'GET /api/tasks',
        'GET /api/tasks/{task_id}',
        'DELETE /api/tasks/{task_id}',
        'POST /api/tasks/{task_id}/retry',
        'GET /api/tasks/active/list',
        'GET /api/tasks/scheduled/list',
        'GET /api/tasks/workers/stats',
        'GET /api/tasks/registered/list',
        'POST /api/tasks/purge/results',
        'POST /api/tasks/purge/queue',
        'POST /api/tasks/cancel/all',
        'POST /api/keys',
        'GET /api/keys',
        'DELETE /api/keys/{id}',
        'GET /health',
      ]),
    );
    const execute = doc.paths['/api/tasks/execute'].post as {
      responses: Record<string, unknown>;
      security: unknown[];
    };
    expect(Object.keys(execute.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '503']),
    );
    expect(execute.security).toEqual([{ 'api-key': [] }]);
  });
});
