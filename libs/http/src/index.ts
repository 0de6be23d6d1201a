/**
 * Nest HTTP plumbing the API and the UI share: the audit of calls, one error shape, the Redis
 * gate, request handling (body limits, validation, proxies) and the seeding of API keys. Each app
 * keeps its own authentication guard; the role decision is libs/auth's authorizeCall().
 */
export { ApiExceptionFilter } from './api-exception.filter';
export { ApiKeySeeder } from './api-key.seeder';
export { AUDIT_PROVIDERS } from './audit/audit.providers';
export { Audited } from './audit/audited.decorator';
export { BODY_LIMIT } from './body-limit';
export { configureHttp } from './configure-http';
export { ErrorResponseDto } from './error-response.dto';
export type { ApiRequest, Principal } from './principal';
export { RedisGate } from './redis-gate.interceptor';
export { RequestSignal } from './request-signal';
