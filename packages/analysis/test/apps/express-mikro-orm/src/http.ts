import type { ErrorRequestHandler, RequestHandler } from 'express';
import { NotFoundError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { z, type ZodTypeAny } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function validate(schema: ZodTypeAny): RequestHandler {
  return (req, _res, next) => {
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) {
      next(new HttpError(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')));
      return;
    }
    req.body = parsed.data;
    next();
  };
}

export const createBookSchema = z.object({
  title: z.string().min(1).max(200),
  price: z.string().regex(/^\d+(\.\d{1,2})?$/),
  authorId: z.string().uuid(),
});
export type CreateBookInput = z.infer<typeof createBookSchema>;

export const stockSchema = z.object({ stock: z.number().int().min(0) });
export const registerAuthorSchema = z.object({ name: z.string().min(1), email: z.string().email() });
export type RegisterAuthorInput = z.infer<typeof registerAuthorSchema>;
export const renameAuthorSchema = z.object({ name: z.string().min(1) });

export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof HttpError) {
    res.status(err.status).json({ error: err.message });
  } else if (err instanceof NotFoundError) {
    res.status(404).json({ error: err.message });
  } else if (err instanceof UniqueConstraintViolationException) {
    res.status(409).json({ error: 'already exists' });
  } else {
    res.status(500).json({ error: 'internal error' });
  }
};
