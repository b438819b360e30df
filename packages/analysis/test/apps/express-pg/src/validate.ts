import type { RequestHandler } from 'express';
import type { ZodType } from 'zod';
import { HttpError } from './errors.js';

/** Replaces req.body with the parsed value, or answers 400 with the schema's messages. */
export function validateBody(schema: ZodType): RequestHandler {
  return (req, _res, next) => {
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) {
      next(new HttpError(400, 'invalid request body', parsed.error.flatten()));
      return;
    }
    req.body = parsed.data;
    next();
  };
}
