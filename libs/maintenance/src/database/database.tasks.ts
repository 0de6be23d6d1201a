import { Injectable } from '@nestjs/common';
import { Task } from '@brain/tasks';
import { type AnalyzeOutcome, DatabaseUpkeep, type VacuumOutcome } from '@brain/storage';
import { MAINTENANCE_ROLE } from '../maintenance-role';

@Injectable()
export class DatabaseTasks {
  constructor(private readonly upkeep: DatabaseUpkeep) {}

  /** A real VACUUM (SQLite or PostgreSQL): the space freed by deletions goes back. */
  @Task({
    name: 'backend.app.tasks.maintenance_tasks.vacuum_database',
    params: [],
    timeLimit: 1800,
    role: MAINTENANCE_ROLE,
  })
  vacuumDatabase(): Promise<VacuumOutcome> {
    return this.upkeep.vacuum();
  }

  /** A real ANALYZE of the application's tables: fresh statistics for the query planner. */
  @Task({
    name: 'backend.app.tasks.maintenance_tasks.analyze_database_tables',
    params: [],
    timeLimit: 1800,
    role: MAINTENANCE_ROLE,
  })
  analyzeDatabaseTables(): Promise<AnalyzeOutcome> {
    return this.upkeep.analyze();
  }
}
