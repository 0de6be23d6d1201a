import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { AppConfigService } from './app-config.service';
import { BrainConfigModule } from './brain-config.module';

describe('BrainConfigModule', () => {
  const saved = { ...process.env };

  afterEach(() => {
    for (const key of Object.keys(process.env)) {
      if (!(key in saved)) delete process.env[key];
    }
    Object.assign(process.env, saved);
  });

  it('validates the environment at start-up and serves typed values', async () => {
    process.env.PORT = '8081';
    process.env.RESULT_EXPIRES = '120';
    delete process.env.REDIS_URL;
    process.env.BRAIN_MASTER_KEY = 'a-master-key-of-at-least-32-characters';

    /** A feature module, to show the config is global. */
    @Module({})
    class FeatureModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [BrainConfigModule.forRoot({ ignoreEnvFile: true }), FeatureModule],
    }).compile();

    const config = moduleRef.get(AppConfigService);
    expect(config.port).toBe(8081);
    expect(config.resultExpires).toBe(120);
    expect(config.redisUrl).toBeUndefined();
    expect(config.masterKey).toBe('a-master-key-of-at-least-32-characters');
    expect(config.database).toEqual({ kind: 'sqlite', path: 'var/brain.db' });
    expect(moduleRef.get(ConfigService).get<number>('PORT')).toBe(8081);
    await moduleRef.close();
  });

  it('fails the boot on a bad variable', async () => {
    process.env.PORT = 'nope';
    await expect(
      Test.createTestingModule({
        imports: [BrainConfigModule.forRoot({ ignoreEnvFile: true })],
      }).compile(),
    ).rejects.toThrow(/PORT: must be an integer/);
  });

  it('fails the boot on a short BRAIN_MASTER_KEY without echoing it', async () => {
    process.env.BRAIN_MASTER_KEY = 'too-short-master-secret';
    const boot = Test.createTestingModule({
      imports: [BrainConfigModule.forRoot({ ignoreEnvFile: true })],
    }).compile();
    await expect(boot).rejects.toThrow(/BRAIN_MASTER_KEY: must be at least 32 characters long/);
    await expect(boot).rejects.not.toThrow(/too-short-master-secret/);
  });

  it('starts without BRAIN_MASTER_KEY: only the keyring needs it', async () => {
    delete process.env.BRAIN_MASTER_KEY;
    const moduleRef = await Test.createTestingModule({
      imports: [BrainConfigModule.forRoot({ ignoreEnvFile: true })],
    }).compile();
    expect(moduleRef.get(AppConfigService).masterKey).toBeUndefined();
    await moduleRef.close();
  });
});
