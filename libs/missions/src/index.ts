export * from './missions.module';
