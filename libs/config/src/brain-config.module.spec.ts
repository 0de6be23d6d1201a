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
});
