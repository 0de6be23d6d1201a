import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyStore, type ApiKeyRole } from '@brain/storage';
import type { ApiRequest } from './principal';
import { PUBLIC_KEY, ROLE_KEY, roleAllows } from './roles';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * `Authorization: Bearer <key>` on every call not marked public: no or an unknown, expired or
 * revoked key is a 401; a key whose role is below the call's is a 403. The key itself never
 * appears in an answer or a log.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyStore,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<ApiRequest>();
    const secret = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (!secret)
      throw new UnauthorizedException('Missing API key: send Authorization: Bearer <key>');
    const key = await this.keys.authenticate(secret);
    if (!key) throw new UnauthorizedException('Unknown, expired or revoked API key');
    req.principal = { keyId: key.id, name: key.name, role: key.role };
    const needed = this.reflector.getAllAndOverride<ApiKeyRole>(ROLE_KEY, targets) ?? 'admin';
    if (!roleAllows(key.role, needed)) {
      throw new ForbiddenException(
        `This call needs the ${needed} role; key "${key.name}" has the ${key.role} role`,
      );
    }
    return true;
  }
}
