export class NotFoundError extends Error {
  readonly status = 404;
}

export class ConflictError extends Error {
  readonly status = 409;
}

/** The JSON error a route handler answers with; anything unexpected is logged and becomes a 500. */
export function errorResponse(error: unknown): Response {
  if (error instanceof NotFoundError || error instanceof ConflictError) {
    return Response.json({ error: error.message }, { status: error.status });
  }
  console.error(error);
  return Response.json({ error: 'internal error' }, { status: 500 });
}
