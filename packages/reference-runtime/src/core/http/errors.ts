/** An error a client caused; the app turns it into a 4xx with this message. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code: string = httpCode(statusCode),
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

function httpCode(status: number): string {
  switch (status) {
    case 400: return 'bad_request';
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 409: return 'conflict';
    case 413: return 'payload_too_large';
    case 422: return 'unprocessable_entity';
    default: return 'error';
  }
}

export const notFound = (what: string, id: unknown): HttpError => new HttpError(404, `${what} ${String(id)} not found`);
export const conflict = (message: string): HttpError => new HttpError(409, message);
export const badRequest = (message: string): HttpError => new HttpError(400, message);
export const unprocessable = (message: string): HttpError => new HttpError(422, message);

interface PgError {
  code?: string;
  detail?: string;
  constraint?: string;
  column?: string;
  message?: string;
}

/**
 * Database errors a request can provoke with valid-looking input (a duplicate, a dangling reference, a value out of
 * range) are the client's to fix, so they become 4xx with the constraint named rather than a 500.
 */
export function fromDatabaseError(error: unknown): HttpError | undefined {
  const e = error as PgError;
  if (!e || typeof e.code !== 'string' || e.code.length !== 5) return undefined;
  const what = e.detail ?? e.constraint ?? e.message ?? 'constraint violated';
  switch (e.code) {
    case '23505': return new HttpError(409, `already exists: ${what}`, 'conflict');
    case '23503':
      // The same code covers "points at nothing" (a bad id in the request) and "still pointed at" (a delete of a
      // row others use); only the detail tells them apart.
      return /still referenced/.test(e.detail ?? '')
        ? new HttpError(409, `in use: ${what}`, 'conflict')
        : new HttpError(422, `unknown reference: ${what}`, 'unknown_reference');
    case '23502': return new HttpError(400, `missing value for ${e.column ?? 'a required field'}`, 'bad_request');
    case '23514': return new HttpError(422, `invalid value: ${e.constraint ?? what}`, 'unprocessable_entity');
    case '22P02':
    case '22003':
    case '22001':
    case '22007':
    case '22008': return new HttpError(400, `invalid value: ${e.message ?? what}`, 'bad_request');
    default: return undefined;
  }
}
