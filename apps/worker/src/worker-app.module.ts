import { Module } from '@nestjs/common';
import { BrainConfigModule } from '@brain/config';
import { TaskWorkerModule } from '@brain/tasks';
import { DOMAIN_MODULES } from './domain-modules';
import { EngineModule } from './engine.module';

@Module({
  imports: [BrainConfigModule, EngineModule, TaskWorkerModule, ...DOMAIN_MODULES],
})
export class WorkerAppModule {}
