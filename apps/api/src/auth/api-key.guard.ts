import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyStore } from '@brain/storage';
import type { ApiRequest } from './principal';
import { authorize, PUBLIC_KEY, type Role, ROLE_KEY } from '@brain/auth';

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
    authorize(key, this.reflector.getAllAndOverride<Role>(ROLE_KEY, targets) ?? 'admin');
    return true;
  }
}
