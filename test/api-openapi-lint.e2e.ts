import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { ApiProcess } from './support/api-process';
import { dropTestDatabase, testSqliteConfig } from './support/databases';
import { uniquePrefix } from './support/redis';
import type { DatabaseConfig } from '@brain/config';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'node_modules', '.bin');

/** Offline: no telemetry, no update check (the machine may have no network at all). */
const LINT_ENV = {
  ...process.env,
  REDOCLY_TELEMETRY: 'off',
  REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
  NO_COLOR: '1',
};

/**
 * Runs a linter from the repository root (where redocly.yaml and .spectral.yaml are) and gives
 * its standard output. Both exit non-zero when they find errors: the report says which.
 */
async function lint(bin: string, args: string[]): Promise<string> {
  try {
    const options = { cwd: ROOT, env: LINT_ENV, maxBuffer: 16 * 1024 * 1024 };
    return (await promisify(execFile)(join(BIN, bin), args, options)).stdout;
  } catch (err) {
    const failed = err as { code?: unknown; stdout?: string };
    if (typeof failed.code !== 'number') throw err;
    return failed.stdout ?? '';
  }
}

interface RedoclyReport {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; severity: string; location: Array<{ pointer: string }> }>;
}

interface SpectralResult {
  code: string;
  severity: number;
  path: string[];
  message: string;
}

describe('the served OpenAPI document lints clean (Redocly recommended, Spectral spectral:oas)', () => {
  let api: ApiProcess;
  let database: DatabaseConfig;
  let dir: string;
  let documentPath: string;

  beforeAll(async () => {
    database = await testSqliteConfig('api-openapi-lint');
    api = await ApiProcess.start(uniquePrefix('api-openapi-lint'), database);
    const doc = (await request(api.url).get('/api/docs-json').expect(200)).body as object;
    dir = await mkdtemp(join(tmpdir(), 'brain-openapi-'));
    documentPath = join(dir, 'openapi.json');
    await writeFile(documentPath, JSON.stringify(doc, null, 2));
  });

  afterAll(async () => {
    await api?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    if (database) await dropTestDatabase(database);
  });

  it('has no Redocly problem', async () => {
    const stdout = await lint('redocly', ['lint', '--format=json', documentPath]);
    const report = JSON.parse(stdout) as RedoclyReport;
    const problems = report.problems.map(
      (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}`,
    );
    expect(report.totals.errors).toBe(0);
    expect(problems).toEqual([]);
  });

  it('has no Spectral problem at all', async () => {
    // Spectral's JSON goes to a file: on stdout it is followed by a line of prose.
    const out = join(dir, 'spectral.json');
    await lint('spectral', ['lint', '-r', '.spectral.yaml', '-f', 'json', '-o', out, documentPath]);
    const results = JSON.parse(await readFile(out, 'utf8')) as SpectralResult[];
    expect(results.map((r) => `${r.severity} ${r.code} ${r.path.join('.')}: ${r.message}`)).toEqual(
      [],
    );
  });
});
