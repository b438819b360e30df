import { createHash } from 'node:crypto';
import type { Database } from '../../db/database.js';
import type { DbSession } from '../../db/session.js';
import { HttpError } from '../http/errors.js';

/** What `begin` found for a key. */
export type IdempotencyOutcome =
  /** This request owns the key: do the work, then `complete` before the commit. */
  | { state: 'claimed' }
  /** The same request already completed: answer with its stored response, write nothing. */
  | { state: 'replay'; status: number; body: unknown }
  /** The same request is still being processed elsewhere (answer 409). */
  | { state: 'in_flight' }
  /** The key was used for a different request (answer 422). */
  | { state: 'mismatch' };

export interface IdempotencyStoreOptions {
  /** How long a key is remembered; never less than 24 hours. */
  ttlSeconds?: number;
  /**
   * When another transaction holds the key: true waits for it to end and then replays its response (or claims the
   * key if it rolled back); false answers `in_flight` at once.
   */
  wait?: boolean;
}

export const MIN_IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const MAX_KEY_LENGTH = 255;

/**
 * The robust idempotency store: the key is claimed in the caller's own transaction, next to the business rows and the
 * outbox row, so they commit or roll back together — no window in which the work is committed but the key is not
 * (the seed's GET → work → COMMIT → SETEX pattern has one), and no two concurrent duplicates both doing the work.
 *
 * ```ts
 * const idempotency = new IdempotencyStore(this.db);
 * const scope = idempotencyScope(organizationId, 'partners.approve');
 * const claim = await idempotency.begin(scope, key, hashRequest('POST', `/partners/${id}/approve`, body));
 * if (claim.state === 'replay') return claim.body;
 * if (claim.state !== 'claimed') throw idempotencyError(claim);
 * …writes, outbox.addEvent(…)…
 * await idempotency.complete(scope, key, 200, result);
 * await this.db.commit();
 * ```
 */
export class IdempotencyStore {
  private readonly ttlSeconds: number;
  private readonly wait: boolean;

  constructor(
    private readonly db: DbSession,
    options: IdempotencyStoreOptions = {},
  ) {
    this.ttlSeconds = Math.max(options.ttlSeconds ?? MIN_IDEMPOTENCY_TTL_SECONDS, MIN_IDEMPOTENCY_TTL_SECONDS);
    this.wait = options.wait ?? true;
  }

  async begin(scope: string, key: string, requestHash: string): Promise<IdempotencyOutcome> {
    assertKey(key);
    // Claims of one key are serialised by a transaction-scoped advisory lock, held until the claimer commits or
    // rolls back. It is what lets a caller choose between waiting and answering in_flight without blocking.
    const lockKey = [`${scope}\u001f${key}`];
    if (this.wait) {
      await this.db.execute('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', lockKey);
    } else {
      const { rows } = await this.db.execute<{ acquired: boolean }>(
        'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS acquired',
        lockKey,
      );
      if (!rows[0]?.acquired) return { state: 'in_flight' };
    }

    // An expired key is free again. Removing it first keeps the claim a plain INSERT … ON CONFLICT DO NOTHING.
    await this.db.execute('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at <= now()', [scope, key]);
    const claimed = await this.db.execute(
      `INSERT INTO idempotency_keys (scope, key, request_hash, expires_at)
       VALUES ($1, $2, $3, now() + $4::integer * interval '1 second')
       ON CONFLICT (scope, key) DO NOTHING
       RETURNING key`,
      [scope, key, requestHash, this.ttlSeconds],
    );
    if (claimed.rowCount > 0) return { state: 'claimed' };

    const { rows } = await this.db.execute<{
      request_hash: string;
      status: 'in_flight' | 'completed';
      response_status: number | null;
      response_text: string | null;
    }>(
      `SELECT request_hash, status, response_status, response_body #>> '{}' AS response_text
       FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    const existing = rows[0];
    // The row cannot vanish under the advisory lock; if it did, someone deleted it by hand: treat it as in flight.
    if (!existing) return { state: 'in_flight' };
    if (existing.request_hash !== requestHash) return { state: 'mismatch' };
    if (existing.status === 'completed') {
      return { state: 'replay', status: Number(existing.response_status), body: parseStoredBody(existing.response_text) };
    }
    // Claimed by a transaction that committed without completing it (a multi-step flow, or a crash in between).
    return { state: 'in_flight' };
  }

  /**
   * Stores the response for replays; call it in the same transaction as `begin`, before the commit.
   *
   * The body is kept as its exact JSON text (a jsonb string), not as a jsonb object: jsonb reorders object keys
   * (shorter keys first), so a body stored as an object would come back with its keys in another order and the
   * replay would not be byte-identical to the first response.
   */
  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    const { rowCount } = await this.db.execute(
      `UPDATE idempotency_keys
       SET status = 'completed', response_status = $3, response_body = to_jsonb($4::text)
       WHERE scope = $1 AND key = $2 AND status = 'in_flight'`,
      [scope, key, status, JSON.stringify(body ?? null)],
    );
    if (rowCount === 0) throw new Error(`idempotency key ${scope}/${key} was not claimed in this transaction`);
  }

  /** Deletes expired keys (housekeeping; a claim of an expired key replaces it anyway). */
  static async purgeExpired(database: Database): Promise<number> {
    const { rowCount } = await database.query('DELETE FROM idempotency_keys WHERE expires_at <= now()');
    return rowCount;
  }
}

/**
 * The stored body: the JSON text written by `complete` (parsed back with its key order intact), or — for a row written
 * as a jsonb object before bodies were kept as text — that object's text.
 */
function parseStoredBody(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Keys are per tenant and per operation: the same key sent to two organisations, or two endpoints, is two keys. */
export function idempotencyScope(tenant: string, operation: string): string {
  return `${tenant}:${operation}`;
}

/** The HTTP answer to an outcome that is neither claimed nor a replay: 409 in flight, 422 reused with another request. */
export function idempotencyError(outcome: { state: 'in_flight' } | { state: 'mismatch' }): HttpError {
  return outcome.state === 'in_flight'
    ? new HttpError(409, 'a request with this Idempotency-Key is still being processed; retry later', 'idempotency_in_flight')
    : new HttpError(422, 'this Idempotency-Key was already used with a different request', 'idempotency_key_reused');
}

/** A fingerprint of a request: method, path and body, with object keys sorted so their order does not matter. */
export function hashRequest(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n`)
    .update(canonicalJson(body))
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new HttpError(400, `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`, 'bad_request');
  }
}
