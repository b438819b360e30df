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
  table?: string;
}

/** `seller_partner_id` → `sellerPartnerId`: the API's spelling of a column. */
const fieldName = (column: string): string => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Splits `a, f(b, c), d` at the commas outside parentheses and quotes. */
function topLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      parts.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(list.slice(start).trim());
  return parts;
}

/**
 * The key of a unique or foreign-key violation, from PostgreSQL's detail (`Key (lower(email))=(a@b.example) already
 * exists.`): the fields in the API's spelling (an expression such as `lower(email)` or `coalesce(org, ...)` by the
 * first column in it), and the values when each is short and they line up with the fields.
 */
function keyOf(detail: string | undefined): { fields: string[]; values: string[] | undefined } | undefined {
  const match = /^Key \((.+?)\)=\((.*)\) (?:already exists|is not present|is still referenced)/s.exec(detail ?? '');
  if (!match) return undefined;
  const fields = topLevel(match[1]!).map((part) => {
    // `pan` → pan; `lower(email)` → email; `COALESCE(organization_id, '0…'::uuid)` → organization_id
    const inner = part.replace(/^(?:\w+\()+/, '');
    return fieldName(/^"?([A-Za-z_][A-Za-z0-9_]*)/.exec(inner)?.[1] ?? 'key');
  });
  const values = match[2]!.split(', ');
  const clean = values.length === fields.length && values.every((value) => value.length <= 100 && !/[\n()']/.test(value));
  return { fields, values: clean ? values : undefined };
}

/** `pan AAACK1046F` or `organizationId, pan`: the key, with its values when they are safe to show. */
function describeKey(key: { fields: string[]; values: string[] | undefined }): string {
  return key.values ? key.fields.map((field, i) => `${field} ${key.values![i]}`).join(', ') : key.fields.join(', ');
}

/** The table a still-referenced row is referred to from, in the API's spelling. */
function referrerOf(detail: string | undefined): string | undefined {
  const table = /is still referenced from table "?([a-z_][a-z0-9_]*)"?/i.exec(detail ?? '')?.[1];
  return table ? fieldName(table) : undefined;
}

/** A check constraint as a rule name without the table: `organizations_pan_format` → `panFormat`. */
function ruleOf(error: PgError): string {
  const constraint = error.constraint ?? '';
  const prefix = error.table ? `${error.table}_` : '';
  const rule = constraint.startsWith(prefix) ? constraint.slice(prefix.length) : constraint;
  return rule ? fieldName(rule.replace(/_check$/, '')) : 'a rule of the record';
}

/**
 * Database errors a request can provoke with valid-looking input (a duplicate, a dangling reference, a value out of
 * range) are the client's to fix, so they become 4xx naming the field. The message is written here, in the API's
 * terms: never PostgreSQL's own text, SQL, table names or the driver's details.
 */
export function fromDatabaseError(error: unknown): HttpError | undefined {
  const e = error as PgError;
  if (!e || typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) return undefined;
  const key = keyOf(e.detail);
  const fields = key?.fields.join(', ') ?? (e.column ? fieldName(e.column) : undefined);
  switch (e.code) {
    case '23505':
      return new HttpError(409, `already exists: ${key ? describeKey(key) : 'a record with the same key'}`, 'conflict');
    case '23503': {
      // The same code covers "points at nothing" (a bad id in the request) and "still pointed at" (a delete of a
      // row others use); only the detail tells them apart.
      if (/still referenced/.test(e.detail ?? '')) {
        const referrer = referrerOf(e.detail);
        return new HttpError(409, `in use: ${referrer ? `${referrer} still refer to it` : 'other records still refer to it'}`, 'conflict');
      }
      return new HttpError(422, `unknown reference: ${fields ?? 'a referenced record does not exist'}`, 'unknown_reference');
    }
    case '23502':
      return new HttpError(400, `missing value for ${e.column ? fieldName(e.column) : 'a required field'}`, 'bad_request');
    case '23514':
      return new HttpError(422, `invalid value: breaks ${ruleOf(e)}`, 'unprocessable_entity');
    case '23P01':
      return new HttpError(409, `conflicts with an existing record (${ruleOf(e)})`, 'conflict');
    case '22001':
      return new HttpError(400, `value too long${fields ? ` for ${fields}` : ''}`, 'bad_request');
    case '22003':
      return new HttpError(400, `number out of range${fields ? ` for ${fields}` : ''}`, 'bad_request');
    case '22007':
    case '22008':
      return new HttpError(400, `invalid date or time${fields ? ` for ${fields}` : ''}`, 'bad_request');
    case '22P02':
      return new HttpError(400, `invalid value${fields ? ` for ${fields}` : ''}`, 'bad_request');
    // Refused characters and oversized keys: input hygiene and the schemas keep these out; should one get through,
    // it is still the client's input, not a server fault.
    case '22021':
    case '22P05':
    case '22025':
      return new HttpError(400, 'a value contains characters that cannot be stored', 'unstorable_input');
    case '54000':
      return new HttpError(400, 'a value is too long to be stored', 'bad_request');
    default:
      return undefined;
  }
}
