export * from './maintenance.module';
