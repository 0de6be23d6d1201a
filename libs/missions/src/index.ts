export * from './mission-steps';
export * from './mission.store';
export * from './mission.tasks';
export * from './missions.module';
