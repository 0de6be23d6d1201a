import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';

const controllers = new WeakMap<Request, AbortController>();

/**
 * The request's AbortController: aborted when its client goes away before the answer, or when a
 * deadline has answered for it (RedisGate), so that work done for it (a long scan) stops there.
 */
export function requestAbort(ctx: ExecutionContext): AbortController {
  const http = ctx.switchToHttp();
  const req = http.getRequest<Request>();
  let controller = controllers.get(req);
  if (!controller) {
    const created = new AbortController();
    controller = created;
    controllers.set(req, created);
    // 'close' also follows a sent answer: aborting then is harmless, the work is done.
    http.getResponse<Response>().once('close', () => created.abort(new Error('client gone')));
  }
  return controller;
}

/** The handler's parameter: an AbortSignal for the work it does (see requestAbort). */
export const RequestSignal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): AbortSignal => requestAbort(ctx).signal,
);
