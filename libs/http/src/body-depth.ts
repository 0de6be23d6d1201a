import type { NextFunction, Request, Response } from 'express';
import { MAX_ARGUMENT_DEPTH, nestingDepth } from '@brain/tasks';

/**
 * Refuses (400, naming the field) a JSON body whose fields nest deeper than task arguments may:
 * validation and every later reader walk values recursively, and a value thousands of levels deep
 * would overflow their stack (a 500) before any check named it. The check itself is iterative.
 */
export function bodyDepthLimit(req: Request, res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  if (body && typeof body === 'object') {
    for (const [field, value] of Object.entries(body as Record<string, unknown>)) {
      if (nestingDepth(value) <= MAX_ARGUMENT_DEPTH) continue;
      res.status(400).json({
        statusCode: 400,
        error: 'Bad Request',
        message: `${field} nests deeper than ${MAX_ARGUMENT_DEPTH} levels`,
        field,
      });
      return;
    }
  }
  next();
}
