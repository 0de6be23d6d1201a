import { AgentsModule } from '@brain/agents';
import { MaintenanceModule } from '@brain/maintenance';
import { MissionsModule } from '@brain/missions';
import { SystemModule } from '@brain/system';

/** Every domain library's module: each registers its own tasks and schedules. */
export const DOMAIN_MODULES = [SystemModule, MissionsModule, AgentsModule, MaintenanceModule];
