import { Module } from '@nestjs/common';
import { MissionStore } from './mission.store';
import { MissionTasks } from './mission.tasks';

/**
 * backend.app.tasks.mission_tasks: missions (processing, queue health, metrics, cleanup), and the
 * MissionStore the API uses. Depends on the engine and the storage layer only.
 */
@Module({
  providers: [MissionStore, MissionTasks],
  exports: [MissionStore],
})
export class MissionsModule {}
