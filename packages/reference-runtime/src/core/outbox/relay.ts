import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.js';
import type { BrokerMessage, EventBroker } from '../broker/broker.js';
import { backoffDelay, validateBackoff, type BackoffPolicy } from '../retry/backoff.js';
import { inTransaction } from '../transaction.js';

export interface OutboxRelayOptions {
  /** Rows claimed per batch. */
  batchSize?: number;
  /** Pause between polls when the last one found nothing to publish. */
  pollIntervalMs?: number;
  /** Failed attempts after which a row moves to the dead-letter table. */
  maxAttempts?: number;
  /** Delay before retrying a failed row: `baseMs`, doubling, capped at `capMs`. */
  backoff?: Partial<BackoffPolicy>;
  /** How long a claimed row is reserved for this relay; past it, another relay may publish it again. */
  leaseMs?: number;
  /** Names this relay in `outbox.locked_by` (one per process by default). */
  relayId?: string;
  /** Errors of the polling loop itself (database unreachable…); failed publishes are recorded in the database. */
  onError?: (error: unknown) => void;
}

export interface RelayBatchResult {
  claimed: number;
  published: number;
  /** Failed this time and scheduled for a retry. */
  retried: number;
  deadLettered: number;
}

export interface DeadLetterAttempt {
  attempt: number;
  round: number;
  error: string;
  at: string;
}

export interface DeadLetterRow {
  id: string;
  eventId: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  organizationId: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  lastError: string | null;
  replayCount: number;
  errors: DeadLetterAttempt[];
  createdAt: string;
  deadAt: string;
}

interface ClaimedRow {
  id: string;
  event_id: string;
  event_type: string;
  aggregate_type: string;
  aggregate_id: string;
  organization_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date | string;
}

const MAX_ERROR_LENGTH = 2000;
/**
 * The part of a lease a relay spends publishing its batch; the rest is margin for the clocks of the database and the
 * relay and for the publish in flight, so another relay does not take over a row this one is still about to publish.
 */
const LEASE_USABLE_FRACTION = 0.8;

/**
 * Publishes committed outbox rows to the broker (the seed's "background processor polls the outbox table").
 *
 * Each batch is claimed in one short statement — `FOR UPDATE SKIP LOCKED` plus a lease in `locked_by/locked_until` —
 * and published outside any transaction, so relays on several nodes never publish a row at the same time, and a
 * database with one connection (PGlite) is not held while the broker works. A row is claimable only when it is due
 * and no earlier row of the same aggregate is still pending, which keeps each aggregate's events in order even
 * across retries. Delivery is at least once: a relay that dies between publishing and marking a row sent leaves a
 * lease that expires, and the row is published again.
 */
export class OutboxRelay {
  readonly relayId: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly leaseMs: number;
  private readonly onError: (error: unknown) => void;

  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly database: Database,
    private readonly broker: EventBroker,
    options: OutboxRelayOptions = {},
  ) {
    this.relayId = options.relayId ?? `relay-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.batchSize = positive(options.batchSize ?? 50, 'batchSize');
    this.pollIntervalMs = positive(options.pollIntervalMs ?? 500, 'pollIntervalMs');
    this.maxAttempts = positive(options.maxAttempts ?? 5, 'maxAttempts');
    this.leaseMs = positive(options.leaseMs ?? 30_000, 'leaseMs');
    this.backoff = validateBackoff(
      { baseMs: options.backoff?.baseMs ?? 1000, capMs: options.backoff?.capMs ?? 5 * 60_000, jitter: options.backoff?.jitter ?? 0 },
      'OutboxRelay',
    );
    this.onError = options.onError ?? ((error) => console.error('[outbox-relay] poll failed:', error));
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Polls until {@link stop}: at once again while there is work, every `pollIntervalMs` when there is none. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.poll();
  }

  /** Stops polling; resolves once the batch in flight is published and recorded. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Cuts the current pause short, e.g. right after a commit that added events. */
  wake(): void {
    this.wakeUp?.();
  }

  /**
   * Claims one batch of due rows, publishes them in id order and records each outcome. A batch that outlives its
   * lease (a slow broker) stops there: the rows not yet published are released for the next claim instead of being
   * published while another relay may already have taken them over.
   */
  async runOnce(): Promise<RelayBatchResult> {
    const leaseEnds = performance.now() + this.leaseMs * LEASE_USABLE_FRACTION;
    const rows = await this.claim();
    const result: RelayBatchResult = { claimed: rows.length, published: 0, retried: 0, deadLettered: 0 };
    // At most one row per aggregate is claimed (see claim()), so a failure here holds back no other row of the batch.
    for (const [index, row] of rows.entries()) {
      if (performance.now() >= leaseEnds) {
        await this.release(rows.slice(index).map((r) => r.id));
        break;
      }
      try {
        await this.broker.publish(toMessage(row));
      } catch (error) {
        const outcome = await this.recordFailure(row.id, error);
        if (outcome === 'dead') result.deadLettered++;
        else if (outcome === 'retry') result.retried++;
        continue;
      }
      await this.markSent(row.id);
      result.published++;
    }
    return result;
  }

  /** Puts a dead-lettered row back in the outbox, due now, with a fresh attempt count. False if there is no such row. */
  async replayDeadLetter(id: string | number | bigint): Promise<boolean> {
    const { rowCount } = await this.database.query(
      `WITH dead AS (DELETE FROM outbox_dead_letter WHERE id = $1 RETURNING *)
       INSERT INTO outbox (id, event_id, event_type, aggregate_type, aggregate_id, organization_id, payload,
                           status, attempts, last_error, next_attempt_at, created_at, replay_count)
       SELECT id, event_id, event_type, aggregate_type, aggregate_id, organization_id, payload,
              'pending', 0, last_error, now(), created_at, replay_count + 1
       FROM dead`,
      [String(id)],
    );
    return rowCount > 0;
  }

  async deadLetters(limit = 100): Promise<DeadLetterRow[]> {
    const { rows } = await this.database.query<Record<string, unknown>>(
      `SELECT id::text, event_id::text, event_type, aggregate_type, aggregate_id, organization_id, payload, attempts,
              last_error, replay_count, errors, created_at, dead_at
       FROM outbox_dead_letter ORDER BY dead_at, id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      eventId: r.event_id as string,
      eventType: r.event_type as string,
      aggregateType: r.aggregate_type as string,
      aggregateId: r.aggregate_id as string,
      organizationId: (r.organization_id as string | null) ?? null,
      payload: r.payload as Record<string, unknown>,
      attempts: Number(r.attempts),
      lastError: (r.last_error as string | null) ?? null,
      replayCount: Number(r.replay_count),
      errors: r.errors as DeadLetterAttempt[],
      createdAt: iso(r.created_at),
      deadAt: iso(r.dead_at),
    }));
  }

  // ---- internals --------------------------------------------------------------------------------------------

  private async poll(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = (await this.runOnce()).claimed;
      } catch (error) {
        this.onError(error);
      }
      if (this.running && claimed === 0) await this.pause(this.pollIntervalMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /**
   * The claim is one statement, hence one short transaction. SKIP LOCKED lets a concurrent relay's claim pass over
   * the rows this one is locking instead of waiting for them; the lease it writes keeps them off every later claim
   * until this relay has recorded the outcome or the lease has run out.
   */
  private async claim(): Promise<ClaimedRow[]> {
    const { rows } = await this.database.query<ClaimedRow>(
      `WITH due AS (
         SELECT o.id
         FROM outbox o
         WHERE o.status = 'pending'
           AND o.next_attempt_at <= now()
           AND (o.locked_until IS NULL OR o.locked_until <= now())
           AND NOT EXISTS (
             SELECT 1 FROM outbox earlier
             WHERE earlier.status = 'pending'
               AND earlier.aggregate_type = o.aggregate_type
               AND earlier.aggregate_id = o.aggregate_id
               AND earlier.id < o.id)
         ORDER BY o.id
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE outbox o
       SET locked_by = $2, locked_until = now() + $3::double precision * interval '1 millisecond'
       FROM due
       WHERE o.id = due.id
       RETURNING o.id::text AS id, o.event_id::text AS event_id, o.event_type, o.aggregate_type, o.aggregate_id,
                 o.organization_id, o.payload, o.created_at`,
      [this.batchSize, this.relayId, this.leaseMs],
    );
    return rows.sort((a, b) => compareIds(a.id, b.id));
  }

  /** Gives back rows this relay claimed but will not publish (its lease is running out). */
  private async release(ids: string[]): Promise<void> {
    await this.database.query(
      `UPDATE outbox SET locked_by = NULL, locked_until = NULL
       WHERE id = ANY($1::bigint[]) AND status = 'pending' AND locked_by = $2`,
      [ids, this.relayId],
    );
  }

  /**
   * Marked sent whoever holds the lease now: the broker has the message, and a relay that took the row over after
   * our lease ran out would only publish it a second time.
   */
  private async markSent(id: string): Promise<void> {
    await this.database.query(
      `UPDATE outbox
       SET status = 'sent', sent_at = now(), last_error = NULL, locked_by = NULL, locked_until = NULL
       WHERE id = $1 AND status = 'pending'`,
      [id],
    );
  }

  private async recordFailure(id: string, error: unknown): Promise<'retry' | 'dead' | 'lost'> {
    const message = describe(error);
    return inTransaction(this.database, async (tx) => {
      // Only the lease holder records a failure: after a takeover the row's history belongs to the new holder.
      const { rows } = await tx.query<{ attempts: number; replay_count: number }>(
        `SELECT attempts, replay_count FROM outbox
         WHERE id = $1 AND status = 'pending' AND locked_by = $2 FOR UPDATE`,
        [id, this.relayId],
      );
      const row = rows[0];
      if (!row) return 'lost';
      const attempt = Number(row.attempts) + 1;
      await tx.query('INSERT INTO outbox_attempts (outbox_id, attempt, round, error) VALUES ($1, $2, $3, $4)', [
        id,
        attempt,
        row.replay_count,
        message,
      ]);
      if (attempt >= this.maxAttempts) {
        await tx.query(
          `INSERT INTO outbox_dead_letter (id, event_id, event_type, aggregate_type, aggregate_id, organization_id, payload,
                                           attempts, errors, last_error, replay_count, created_at)
           SELECT o.id, o.event_id, o.event_type, o.aggregate_type, o.aggregate_id, o.organization_id, o.payload,
                  $2, (SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'round', a.round, 'error', a.error,
                                                           'at', a.at) ORDER BY a.id)
                       FROM outbox_attempts a WHERE a.outbox_id = o.id),
                  $3, o.replay_count, o.created_at
           FROM outbox o WHERE o.id = $1`,
          [id, attempt, message],
        );
        await tx.query('DELETE FROM outbox WHERE id = $1', [id]);
        return 'dead';
      }
      await tx.query(
        `UPDATE outbox
         SET attempts = $2, last_error = $3, next_attempt_at = now() + $4::double precision * interval '1 millisecond',
             locked_by = NULL, locked_until = NULL
         WHERE id = $1`,
        [id, attempt, message, backoffDelay(attempt, this.backoff)],
      );
      return 'retry';
    });
  }
}

function toMessage(row: ClaimedRow): BrokerMessage {
  return {
    eventId: row.event_id,
    eventType: row.event_type,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    organizationId: row.organization_id ?? null,
    payload: row.payload,
    occurredAt: iso(row.created_at),
  };
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}

function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`OutboxRelay: ${name} must be a positive number`);
  return value;
}
