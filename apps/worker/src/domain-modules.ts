import { SystemModule } from '@brain/system';

/** Every domain library's module: each registers its own tasks and schedules. */
export const DOMAIN_MODULES = [SystemModule];
