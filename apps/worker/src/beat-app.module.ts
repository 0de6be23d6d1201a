import { Module } from '@nestjs/common';
import { BrainConfigModule } from '@brain/config';
import { BeatModule } from '@brain/tasks';
import { DOMAIN_MODULES } from './domain-modules';
import { EngineModule } from './engine.module';

@Module({
  imports: [BrainConfigModule.forRoot(), EngineModule, BeatModule, ...DOMAIN_MODULES],
})
export class BeatAppModule {}
