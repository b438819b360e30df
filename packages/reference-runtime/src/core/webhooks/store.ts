import type { Database, Row } from '../../db/database.js';
import { inTransaction } from '../transaction.js';
import type { DeliveryStatus } from './delivery.js';
import type { WebhookPriority } from './queue.js';

export interface WebhookSubscription {
  id: string;
  organizationId: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A subscription with its signing secrets, as the delivery side needs it. */
export interface StoredSubscription extends WebhookSubscription {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
}

export interface NewSubscription {
  organizationId: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  secret: string;
}

export interface SubscriptionPatch {
  url?: string;
  description?: string | null;
  eventTypes?: string[];
  active?: boolean;
}

export interface WebhookDeliveryRecord {
  id: string;
  messageId: string;
  subscriptionId: string;
  organizationId: string;
  eventId: string;
  eventType: string;
  priority: WebhookPriority;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  deadLetteredAt: string | null;
}

export interface DeliveryAttemptRecord {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  at: string;
}

export interface NewDelivery {
  messageId: string;
  subscriptionId: string;
  organizationId: string;
  eventId: string;
  eventType: string;
  body: string;
  priority: WebhookPriority;
}

/** A delivery leased to one node for one attempt, with what the attempt needs from its subscription. */
export interface ClaimedDelivery extends WebhookDeliveryRecord {
  body: string;
  url: string;
  /** Current secret first, then a rotated-out one still within its grace period. */
  secrets: string[];
}

export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  status: Exclude<DeliveryStatus, 'PENDING'>;
  /** For FAILED: when to try again. */
  retryInMs?: number;
}

export interface DeliveryFilter {
  subscriptionId?: string;
  status?: DeliveryStatus;
  limit?: number;
}

/**
 * Where subscriptions and deliveries live: the database in the runtime ({@link SqlWebhookStore}), memory for a
 * WebhookManager built without one. Deliveries are leased the way outbox rows are, so several nodes can work the
 * same table without sending a delivery twice at once.
 */
export interface WebhookStore {
  createSubscription(input: NewSubscription): Promise<StoredSubscription>;
  listSubscriptions(organizationId: string): Promise<WebhookSubscription[]>;
  getSubscription(organizationId: string, id: string): Promise<StoredSubscription | undefined>;
  updateSubscription(organizationId: string, id: string, patch: SubscriptionPatch): Promise<WebhookSubscription | undefined>;
  /** Makes `secret` current; the old one keeps signing for `graceMs`. */
  rotateSecret(organizationId: string, id: string, secret: string, graceMs: number): Promise<boolean>;
  deleteSubscription(organizationId: string, id: string): Promise<boolean>;
  activeSubscriptions(organizationId: string): Promise<StoredSubscription[]>;
  /** Inserts deliveries, due now; one that exists for the same subscription and event is skipped (not returned). */
  insertDeliveries(deliveries: NewDelivery[]): Promise<WebhookDeliveryRecord[]>;
  /** Leases up to `limit` due deliveries to `owner`, highest priority and oldest first. */
  claimDue(owner: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /** Records an attempt if `owner` still holds the lease; false otherwise. */
  recordAttempt(id: string, owner: string, attempt: number, outcome: AttemptOutcome): Promise<boolean>;
  listDeliveries(organizationId: string, filter?: DeliveryFilter): Promise<WebhookDeliveryRecord[]>;
  getDelivery(organizationId: string, id: string): Promise<WebhookDeliveryRecord | undefined>;
  listAttempts(deliveryId: string): Promise<DeliveryAttemptRecord[]>;
  /** Puts a dead-lettered (or failed) delivery back, due now, with a fresh retry budget. */
  replay(organizationId: string, id: string): Promise<boolean>;
}

const SUBSCRIPTION_COLUMNS = `id::text, organization_id, url, description, event_types, active, created_at, updated_at,
  secret, previous_secret, previous_secret_expires_at`;

const DELIVERY_COLUMNS = `d.id::text, d.message_id, d.subscription_id::text, d.organization_id, d.event_id, d.event_type,
  d.priority, d.status, d.attempts, d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at,
  d.dead_lettered_at`;

/** Secrets valid for signing now: the current one, and the previous one until its grace period ends. */
const CLAIM_COLUMNS = `${DELIVERY_COLUMNS}, d.body, s.url AS target_url,
  CASE WHEN s.previous_secret IS NOT NULL AND s.previous_secret_expires_at > now()
       THEN ARRAY[s.secret, s.previous_secret] ELSE ARRAY[s.secret] END AS secrets`;

const PRIORITY_RANK = `CASE d.priority WHEN 'HIGH' THEN 0 WHEN 'MEDIUM' THEN 1 ELSE 2 END`;

export class SqlWebhookStore implements WebhookStore {
  constructor(private readonly database: Database) {}

  async createSubscription(input: NewSubscription): Promise<StoredSubscription> {
    const { rows } = await this.database.query(
      `INSERT INTO webhook_subscriptions (organization_id, url, description, event_types, secret)
       VALUES ($1, $2, $3, $4::text[], $5) RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [input.organizationId, input.url, input.description, input.eventTypes, input.secret],
    );
    return toSubscription(rows[0]!);
  }

  async listSubscriptions(organizationId: string): Promise<WebhookSubscription[]> {
    const { rows } = await this.database.query(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE organization_id = $1 ORDER BY created_at, id`,
      [organizationId],
    );
    return rows.map((row) => withoutSecrets(toSubscription(row)));
  }

  async getSubscription(organizationId: string, id: string): Promise<StoredSubscription | undefined> {
    const { rows } = await this.database.query(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE organization_id = $1 AND id = $2::uuid`,
      [organizationId, id],
    );
    return rows[0] && toSubscription(rows[0]);
  }

  async updateSubscription(organizationId: string, id: string, patch: SubscriptionPatch) {
    const { rows } = await this.database.query(
      `UPDATE webhook_subscriptions
       SET url = COALESCE($3, url),
           description = CASE WHEN $4::boolean THEN $5 ELSE description END,
           event_types = COALESCE($6::text[], event_types),
           active = COALESCE($7, active),
           updated_at = now()
       WHERE organization_id = $1 AND id = $2::uuid
       RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [
        organizationId,
        id,
        patch.url ?? null,
        patch.description !== undefined,
        patch.description ?? null,
        patch.eventTypes ?? null,
        patch.active ?? null,
      ],
    );
    return rows[0] && withoutSecrets(toSubscription(rows[0]));
  }

  async rotateSecret(organizationId: string, id: string, secret: string, graceMs: number): Promise<boolean> {
    const { rowCount } = await this.database.query(
      `UPDATE webhook_subscriptions
       SET previous_secret = secret, previous_secret_expires_at = now() + $4::double precision * interval '1 millisecond',
           secret = $3, updated_at = now()
       WHERE organization_id = $1 AND id = $2::uuid`,
      [organizationId, id, secret, graceMs],
    );
    return rowCount > 0;
  }

  async deleteSubscription(organizationId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.database.query(
      'DELETE FROM webhook_subscriptions WHERE organization_id = $1 AND id = $2::uuid',
      [organizationId, id],
    );
    return rowCount > 0;
  }

  async activeSubscriptions(organizationId: string): Promise<StoredSubscription[]> {
    const { rows } = await this.database.query(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE organization_id = $1 AND active ORDER BY created_at, id`,
      [organizationId],
    );
    return rows.map(toSubscription);
  }

  async insertDeliveries(deliveries: NewDelivery[]): Promise<WebhookDeliveryRecord[]> {
    if (deliveries.length === 0) return [];
    const { rows } = await this.database.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
           "messageId" text, "subscriptionId" uuid, "organizationId" text, "eventId" text, "eventType" text,
           body text, priority text)
       ), d AS (
         INSERT INTO webhook_deliveries (message_id, subscription_id, organization_id, event_id, event_type, body, priority)
         SELECT "messageId", "subscriptionId", "organizationId", "eventId", "eventType", body, priority FROM input
         ON CONFLICT (subscription_id, event_id) DO NOTHING
         RETURNING *
       )
       SELECT ${DELIVERY_COLUMNS} FROM d ORDER BY ${PRIORITY_RANK}, d.id`,
      [JSON.stringify(deliveries)],
    );
    return rows.map(toDelivery);
  }

  async claimDue(owner: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const { rows } = await this.database.query(
      `WITH due AS (
         SELECT d.id FROM webhook_deliveries d
         WHERE d.status IN ('PENDING', 'FAILED')
           AND d.next_attempt_at <= now()
           AND (d.locked_until IS NULL OR d.locked_until <= now())
         ORDER BY ${PRIORITY_RANK}, d.next_attempt_at, d.id
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       ), d AS (
         UPDATE webhook_deliveries w
         SET locked_by = $2, locked_until = now() + $3::double precision * interval '1 millisecond'
         FROM due WHERE w.id = due.id
         RETURNING w.*
       )
       SELECT ${CLAIM_COLUMNS} FROM d JOIN webhook_subscriptions s ON s.id = d.subscription_id
       ORDER BY ${PRIORITY_RANK}, d.next_attempt_at, d.id`,
      [limit, owner, leaseMs],
    );
    return rows.map(toClaimed);
  }

  async recordAttempt(id: string, owner: string, attempt: number, outcome: AttemptOutcome): Promise<boolean> {
    return inTransaction(this.database, async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE webhook_deliveries
         SET attempts = $3, status = $4, last_status_code = $5, last_error = $6,
             next_attempt_at = CASE WHEN $4 = 'FAILED'
                                    THEN now() + $7::double precision * interval '1 millisecond'
                                    ELSE next_attempt_at END,
             delivered_at = CASE WHEN $4 = 'SUCCESS' THEN now() ELSE delivered_at END,
             dead_lettered_at = CASE WHEN $4 = 'DEAD_LETTER' THEN now() ELSE dead_lettered_at END,
             locked_by = NULL, locked_until = NULL
         WHERE id = $1::uuid AND locked_by = $2`,
        [id, owner, attempt, outcome.status, outcome.statusCode, outcome.error, outcome.retryInMs ?? 0],
      );
      if (rowCount === 0) return false;
      await tx.query(
        `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, error, duration_ms)
         VALUES ($1::uuid, $2, $3, $4, $5)`,
        [id, attempt, outcome.statusCode, outcome.error, Math.round(outcome.durationMs)],
      );
      return true;
    });
  }

  async listDeliveries(organizationId: string, filter: DeliveryFilter = {}): Promise<WebhookDeliveryRecord[]> {
    const { rows } = await this.database.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d
       WHERE d.organization_id = $1
         AND ($2::uuid IS NULL OR d.subscription_id = $2::uuid)
         AND ($3::text IS NULL OR d.status = $3)
       ORDER BY d.created_at DESC, d.id
       LIMIT $4`,
      [organizationId, filter.subscriptionId ?? null, filter.status ?? null, filter.limit ?? 100],
    );
    return rows.map(toDelivery);
  }

  async getDelivery(organizationId: string, id: string): Promise<WebhookDeliveryRecord | undefined> {
    const { rows } = await this.database.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.organization_id = $1 AND d.id = $2::uuid`,
      [organizationId, id],
    );
    return rows[0] && toDelivery(rows[0]);
  }

  async listAttempts(deliveryId: string): Promise<DeliveryAttemptRecord[]> {
    const { rows } = await this.database.query(
      `SELECT attempt, status_code, error, duration_ms, at FROM webhook_delivery_attempts
       WHERE delivery_id = $1::uuid ORDER BY attempt, id`,
      [deliveryId],
    );
    return rows.map((r) => ({
      attempt: Number(r.attempt),
      statusCode: r.status_code === null ? null : Number(r.status_code),
      error: (r.error as string | null) ?? null,
      durationMs: Number(r.duration_ms),
      at: iso(r.at)!,
    }));
  }

  async replay(organizationId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.database.query(
      `UPDATE webhook_deliveries
       SET status = 'PENDING', attempts = 0, next_attempt_at = now(), dead_lettered_at = NULL,
           locked_by = NULL, locked_until = NULL
       WHERE organization_id = $1 AND id = $2::uuid AND status IN ('DEAD_LETTER', 'FAILED')`,
      [organizationId, id],
    );
    return rowCount > 0;
  }
}

function toSubscription(r: Row): StoredSubscription {
  return {
    id: r.id as string,
    organizationId: r.organization_id as string,
    url: r.url as string,
    description: (r.description as string | null) ?? null,
    eventTypes: r.event_types as string[],
    active: Boolean(r.active),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    secret: r.secret as string,
    previousSecret: (r.previous_secret as string | null) ?? null,
    previousSecretExpiresAt: iso(r.previous_secret_expires_at),
  };
}

export function withoutSecrets(subscription: StoredSubscription): WebhookSubscription {
  const { secret: _secret, previousSecret: _previous, previousSecretExpiresAt: _expires, ...rest } = subscription;
  return rest;
}

function toDelivery(r: Row): WebhookDeliveryRecord {
  return {
    id: r.id as string,
    messageId: r.message_id as string,
    subscriptionId: r.subscription_id as string,
    organizationId: r.organization_id as string,
    eventId: r.event_id as string,
    eventType: r.event_type as string,
    priority: r.priority as WebhookPriority,
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: iso(r.next_attempt_at)!,
    lastStatusCode: r.last_status_code === null ? null : Number(r.last_status_code),
    lastError: (r.last_error as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    deliveredAt: iso(r.delivered_at),
    deadLetteredAt: iso(r.dead_lettered_at),
  };
}

function toClaimed(r: Row): ClaimedDelivery {
  return { ...toDelivery(r), body: r.body as string, url: r.target_url as string, secrets: r.secrets as string[] };
}

export function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
