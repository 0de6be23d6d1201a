export * from './outbound-client';
export * from './outbound-errors';
export * from './outbound-policy';
export * from './outbound.module';
