import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyStore, type ApiKeyView } from '@brain/storage';
import { AuthFailureLimit, authorizeCall, isPublicCall } from '@brain/auth';
import type { ApiRequest } from '@brain/http';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * `Authorization: Bearer <key>` on every call not marked public: no or an unknown, expired or
 * revoked key is a 401; a key whose role is below the call's is a 403. A key sent to a public
 * call is checked too (it may say more to a valid one). Failed keys count against the client's
 * address; past AUTH_RATE_LIMIT it gets 429s. The key itself never appears in an answer or a log.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyStore,
    private readonly limit: AuthFailureLimit,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const isPublic = isPublicCall(this.reflector, ctx);
    const req = ctx.switchToHttp().getRequest<ApiRequest>();
    const secret = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (!secret && isPublic) return true;
    if (!secret)
      throw new UnauthorizedException('Missing API key: send Authorization: Bearer <key>');
    await this.limit.refuseIfLimited(req);
    const key = await this.authenticate(secret, isPublic);
    if (key === null) return true;
    if (!key) {
      await this.limit.failedRequest(req);
      throw new UnauthorizedException('Unknown, expired or revoked API key');
    }
    req.principal = { keyId: key.id, name: key.name, role: key.role };
    if (isPublic) return true;
    authorizeCall(this.reflector, ctx, key);
    return true;
  }

  /**
   * The key of this secret. A public call (/health) is still answered, anonymously (null), when
   * the database cannot tell: that is when it is most wanted.
   */
  private async authenticate(
    secret: string,
    isPublic: boolean,
  ): Promise<ApiKeyView | undefined | null> {
    try {
      return await this.keys.authenticate(secret);
    } catch (err) {
      if (isPublic) return null;
      throw err;
    }
  }
}
