import { freePort } from './support/api-process';
import { BrainProcess } from './support/brain-process';
import { uniquePrefix } from './support/redis';

describe('a seeded ADMIN_API_KEY (real API process)', () => {
  it('must be 32+ characters: a shorter one stops the API with one line naming it', async () => {
    const short = 'an-admin-key-of-31-characters..';
    const api = new BrainProcess(
      ['api', 'start', '--port', String(await freePort())],
      uniquePrefix('api-admin-key'),
      { ADMIN_API_KEY: short, API_HOST: '127.0.0.1' },
    );
    expect(await api.exit()).toBe(1);
    const lines = api.log.trim().split('\n');
    expect(lines).toEqual([
      'brain: Invalid environment configuration: - ADMIN_API_KEY: must be at least 32 characters long (make one with: openssl rand -hex 24)',
    ]);
    expect(api.log).not.toContain(short);
  });
});
