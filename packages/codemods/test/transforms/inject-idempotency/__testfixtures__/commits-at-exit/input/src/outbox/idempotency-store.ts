// Written by outbox-codemod (scaffold). It is your code now: edit it as you like; a later run leaves it alone.

/** What `begin` found for a key. */
export type IdempotencyOutcome =
  /** This request owns the key: do the work, then `complete` before the commit. */
  | { state: 'claimed' }
  /** The same request already completed: answer with its stored response, write nothing. */
  | { state: 'replay'; status: number; body: unknown }
  /** The same request is still being processed by a transaction that committed without completing it (409). */
  | { state: 'in_flight' }
  /** The key was used for a different request (422). */
  | { state: 'mismatch' };

/** TypeORM's transaction manager (the `manager` of `dataSource.transaction(async (manager) => …)`). */
export interface IdempotencyStoreHandle {
  query(query: string, parameters?: any[]): Promise<any>;
}

/** An outcome that is neither a claim nor a replay, as an HTTP error: `status` 409 or 422 (400 for a bad key). */
export class IdempotencyError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, message: string, code: string) {
    super(message);
    this.name = 'IdempotencyError';
    this.status = status;
    this.code = code;
  }
}

/**
 * A replay inside a transaction scope (`$transaction(async (tx) => …)`, `dataSource.transaction(…)`): thrown there, so the
 * scope rolls back instead of committing, and turned back into the stored answer by `withReplay` around it.
 */
export class IdempotencyReplay extends Error {
  readonly body: unknown;

  constructor(body: unknown) {
    super('idempotent replay');
    this.name = 'IdempotencyReplay';
    this.body = body;
  }
}

/** `return withReplay(prisma.$transaction(async (tx) => …))`: the scope's result, or the stored answer of a replay. */
export async function withReplay<T>(work: PromiseLike<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof IdempotencyReplay) return error.body as T;
    throw error;
  }
}

const TTL_SECONDS = 24 * 60 * 60;

/**
 * Idempotency keys claimed in the caller's own transaction, beside the business rows and the outbox event, so they
 * commit or roll back together. A concurrent duplicate waits on the key's advisory lock until the first transaction
 * ends, then replays its stored response (or claims the key, if the first rolled back).
 */
export class IdempotencyStore {
  private readonly manager: IdempotencyStoreHandle;

  constructor(manager: IdempotencyStoreHandle) {
    this.manager = manager;
  }

  async begin(scope: string, key: string, request: string): Promise<IdempotencyOutcome> {
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      throw new IdempotencyError(400, 'Idempotency-Key must be 1 to 255 characters', 'bad_idempotency_key');
    }
    await this.rows('SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 0))', [`${scope}\u001f${key}`]);
    await this.rows('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at <= now() RETURNING key', [scope, key]);
    const claimed = await this.rows(
      `INSERT INTO idempotency_keys (scope, key, request_hash, expires_at)
       VALUES ($1, $2, encode(sha256(convert_to($3::text, 'UTF8')), 'hex'), now() + $4::integer * interval '1 second')
       ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
      [scope, key, request, TTL_SECONDS],
    );
    if (claimed.length > 0) return { state: 'claimed' };
    const rows = await this.rows<{ same: boolean; status: string; response_status: number | null; response_text: string | null }>(
      `SELECT request_hash = encode(sha256(convert_to($3::text, 'UTF8')), 'hex') AS same, status, response_status,
              response_body #>> '{}' AS response_text
       FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key, request],
    );
    const existing = rows[0];
    if (!existing) return { state: 'in_flight' };
    if (!existing.same) return { state: 'mismatch' };
    if (existing.status !== 'completed') return { state: 'in_flight' };
    return { state: 'replay', status: Number(existing.response_status), body: existing.response_text === null ? null : JSON.parse(existing.response_text) };
  }

  /**
   * Stores the response for replays, in the transaction of `begin`, before the commit. The body is kept as its JSON
   * text (a jsonb string, not a jsonb object, whose keys PostgreSQL would reorder), so a replay is byte for byte the
   * first answer.
   */
  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    const updated = await this.rows(
      `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_body = to_jsonb($4::text)
       WHERE scope = $1 AND key = $2 AND status = 'in_flight' RETURNING key`,
      [scope, key, status, JSON.stringify(body ?? null)],
    );
    if (updated.length === 0) throw new Error(`idempotency key ${scope}/${key} was not claimed in this transaction`);
  }

  private async rows<R = unknown>(sql: string, values: unknown[]): Promise<R[]> {
    const result: unknown = await this.manager.query(sql, values);
    return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result) as R[];
  }
}

/** Keys are per tenant and per operation: one key sent to two tenants, or two operations, is two keys. */
export function idempotencyScope(tenant: string, operation: string): string {
  return `${tenant}:${operation}`;
}

/** The HTTP error for an outcome that is neither claimed nor a replay. */
export function idempotencyError(outcome: { state: 'in_flight' } | { state: 'mismatch' }): IdempotencyError {
  return outcome.state === 'in_flight'
    ? new IdempotencyError(409, 'a request with this Idempotency-Key is still being processed; retry later', 'idempotency_in_flight')
    : new IdempotencyError(422, 'this Idempotency-Key was already used with a different request', 'idempotency_key_reused');
}

/**
 * The request's fingerprint: method, path and body with object keys sorted (their order does not matter). The
 * database hashes it (sha256) when it stores or compares it.
 */
export function hashRequest(method: string, path: string, body: unknown): string {
  return `${method.toUpperCase()} ${path}\n${body === undefined ? '' : JSON.stringify(body, (_key, value: unknown) => sortedKeys(value))}`;
}

function sortedKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}
