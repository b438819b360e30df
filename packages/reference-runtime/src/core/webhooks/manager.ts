import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/database.js';
import { HttpError, notFound } from '../http/errors.js';
import { backoffDelay, validateBackoff, type BackoffPolicy } from '../retry/backoff.js';
import { DeliveryStatus, sendWebhook } from './delivery.js';
import { assertUrlAllowed, EgressDeniedError, type EgressPolicy } from './egress.js';
import { MemoryWebhookStore } from './memory-store.js';
import { defaultPriority, WebhookQueue, type WebhookPriority } from './queue.js';
import { generateWebhookSecret, isWebhookSecret, WebhookSigner } from './signer.js';
import {
  SqlWebhookStore,
  withoutSecrets,
  type AttemptOutcome,
  type ClaimedDelivery,
  type DeliveryAttemptRecord,
  type DeliveryFilter,
  type WebhookDeliveryRecord,
  type WebhookStore,
  type WebhookSubscription,
} from './store.js';

export interface WebhookManagerOptions {
  /** Subscriptions and deliveries in these tables; in memory when absent. */
  database?: Database;
  /** Or any store (takes precedence over `database`). */
  store?: WebhookStore;
  /** Retries after the first attempt; a delivery still failing after them is dead-lettered. */
  maxRetries?: number;
  backoff?: Partial<BackoffPolicy>;
  /** Whole-request timeout of one attempt. */
  timeoutMs?: number;
  /** Deliveries sent at the same time by this node. */
  concurrency?: number;
  pollIntervalMs?: number;
  /** How long a claimed delivery is reserved for this node; must outlast an attempt. */
  leaseMs?: number;
  egress?: EgressPolicy;
  /** How long a rotated-out secret keeps signing, so receivers can switch without losing messages. */
  secretGraceMs?: number;
  priorityFor?: (eventType: string) => WebhookPriority;
  nodeId?: string;
  userAgent?: string;
  onError?: (error: unknown, context: string) => void;
}

/** What the manager needs of an event; a broker message has all of it. */
export interface WebhookEvent {
  eventId: string;
  eventType: string;
  organizationId: string | null;
  payload: Record<string, unknown>;
  occurredAt: string;
}

export interface CreateSubscriptionInput {
  organizationId: string;
  url: string;
  eventTypes: string[];
  description?: string | null;
  /** A `whsec_…` secret of the subscriber's choosing; generated when absent. */
  secret?: string;
}

export interface DeliveryRunResult {
  attempted: number;
  succeeded: number;
  failed: number;
  deadLettered: number;
}

const EVENT_FILTER = /^(\*|[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?)$/i;
const MAX_EVENT_FILTERS = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The seed's WebhookManager: per-organisation subscriptions with a secret and event-type filters; for each event, a
 * delivery per matching subscription, sent by priority (HIGH/MEDIUM/LOW), signed on the Standard Webhooks scheme,
 * retried with exponential backoff and dead-lettered when the retries are spent.
 *
 * Deliveries are rows first (`enqueueEvent` only inserts them), and a poller leases due rows, orders them in a
 * {@link WebhookQueue} and sends them with bounded concurrency — so a delivery survives a restart, and several nodes
 * can share the table.
 */
export class WebhookManager {
  readonly nodeId: string;
  private readonly store: WebhookStore;
  private readonly maxRetries: number;
  private readonly backoff: BackoffPolicy;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly egress: EgressPolicy;
  private readonly secretGraceMs: number;
  private readonly priorityFor: (eventType: string) => WebhookPriority;
  private readonly userAgent: string | undefined;
  private readonly onError: (error: unknown, context: string) => void;

  private readonly queue: WebhookQueue<ClaimedDelivery>;
  private readonly inFlight = new Set<Promise<unknown>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(options: WebhookManagerOptions = {}) {
    this.store = options.store ?? (options.database ? new SqlWebhookStore(options.database) : new MemoryWebhookStore());
    this.nodeId = options.nodeId ?? `webhooks-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.maxRetries = options.maxRetries ?? 5;
    this.backoff = validateBackoff(
      { baseMs: options.backoff?.baseMs ?? 30_000, capMs: options.backoff?.capMs ?? 60 * 60_000, jitter: options.backoff?.jitter ?? 0 },
      'WebhookManager',
    );
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.leaseMs = Math.max(options.leaseMs ?? 60_000, this.timeoutMs * 3);
    this.egress = options.egress ?? {};
    this.secretGraceMs = options.secretGraceMs ?? 24 * 60 * 60_000;
    this.priorityFor = options.priorityFor ?? defaultPriority;
    this.userAgent = options.userAgent;
    this.onError = options.onError ?? ((error, context) => console.error(`[webhooks] ${context}:`, error));
    this.queue = new WebhookQueue(this.concurrency * 2);
  }

  // ---- subscriptions --------------------------------------------------------------------------------------

  /** Creates a subscription. The result carries the secret: it is shown to the subscriber once, here. */
  async createSubscription(input: CreateSubscriptionInput): Promise<WebhookSubscription & { secret: string }> {
    requireId(input.organizationId, 'organizationId');
    const secret = input.secret ?? generateWebhookSecret();
    if (!isWebhookSecret(secret)) throw new HttpError(400, 'secret must be "whsec_" followed by at least 16 base64 bytes');
    const created = await this.store.createSubscription({
      organizationId: input.organizationId,
      url: this.checkUrl(input.url),
      eventTypes: checkEventTypes(input.eventTypes),
      description: checkDescription(input.description),
      secret,
    });
    return { ...withoutSecrets(created), secret };
  }

  listSubscriptions(organizationId: string): Promise<WebhookSubscription[]> {
    return this.store.listSubscriptions(organizationId);
  }

  async getSubscription(organizationId: string, id: string): Promise<WebhookSubscription> {
    const subscription = UUID.test(id) ? await this.store.getSubscription(organizationId, id) : undefined;
    if (!subscription) throw notFound('webhook subscription', id);
    return withoutSecrets(subscription);
  }

  async updateSubscription(
    organizationId: string,
    id: string,
    patch: { url?: string; eventTypes?: string[]; description?: string | null; active?: boolean },
  ): Promise<WebhookSubscription> {
    const updated = UUID.test(id)
      ? await this.store.updateSubscription(organizationId, id, {
          url: patch.url === undefined ? undefined : this.checkUrl(patch.url),
          eventTypes: patch.eventTypes === undefined ? undefined : checkEventTypes(patch.eventTypes),
          description: patch.description === undefined ? undefined : checkDescription(patch.description),
          active: patch.active,
        })
      : undefined;
    if (!updated) throw notFound('webhook subscription', id);
    return updated;
  }

  async deleteSubscription(organizationId: string, id: string): Promise<void> {
    if (!UUID.test(id) || !(await this.store.deleteSubscription(organizationId, id))) throw notFound('webhook subscription', id);
  }

  /** Replaces the secret; the old one keeps signing (as a second signature) for `secretGraceMs`. */
  async rotateSecret(organizationId: string, id: string, secret: string = generateWebhookSecret()): Promise<{ secret: string }> {
    if (!isWebhookSecret(secret)) throw new HttpError(400, 'secret must be "whsec_" followed by at least 16 base64 bytes');
    if (!UUID.test(id) || !(await this.store.rotateSecret(organizationId, id, secret, this.secretGraceMs))) {
      throw notFound('webhook subscription', id);
    }
    return { secret };
  }

  // ---- events -----------------------------------------------------------------------------------------------

  /**
   * Records a delivery for every active subscription of the event's organisation whose filters match. Safe to call
   * again with the same event (the relay delivers at least once): a subscription gets one delivery per event.
   */
  async enqueueEvent(event: WebhookEvent, priority?: WebhookPriority): Promise<WebhookDeliveryRecord[]> {
    if (!event.organizationId) return []; // subscriptions belong to organisations; an event without one has no audience
    const subscriptions = (await this.store.activeSubscriptions(event.organizationId)).filter((s) =>
      matchesEventType(s.eventTypes, event.eventType),
    );
    if (subscriptions.length === 0) return [];
    const body = JSON.stringify({
      type: event.eventType,
      timestamp: event.occurredAt,
      data: event.payload,
      eventId: event.eventId,
      organizationId: event.organizationId,
    });
    const created = await this.store.insertDeliveries(
      subscriptions.map((subscription) => ({
        messageId: `msg_${randomUUID().replace(/-/g, '')}`,
        subscriptionId: subscription.id,
        organizationId: event.organizationId!,
        eventId: event.eventId,
        eventType: event.eventType,
        body,
        priority: priority ?? this.priorityFor(event.eventType),
      })),
    );
    if (created.length > 0) this.wake();
    return created;
  }

  // ---- delivery -----------------------------------------------------------------------------------------------

  /** Sends deliveries in the background until {@link stop}. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.poll();
  }

  /** Stops claiming; resolves when the attempts in flight are recorded. Queued, unsent deliveries go back to the store. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = undefined;
    this.queue.drain(); // their leases expire and another node (or the next start) claims them
    await Promise.allSettled([...this.inFlight]);
  }

  /** Claims what is due now and sends it, highest priority first; resolves when every attempt is recorded. */
  async runOnce(limit = 100): Promise<DeliveryRunResult> {
    const result: DeliveryRunResult = { attempted: 0, succeeded: 0, failed: 0, deadLettered: 0 };
    const claimed = await this.store.claimDue(this.nodeId, limit, this.leaseMs);
    const queue = new WebhookQueue<ClaimedDelivery>(claimed.length);
    for (const delivery of claimed) queue.push(delivery, delivery.priority);
    const worker = async () => {
      for (let delivery = queue.shift(); delivery; delivery = queue.shift()) {
        const status = await this.attempt(delivery);
        result.attempted++;
        if (status === DeliveryStatus.SUCCESS) result.succeeded++;
        else if (status === DeliveryStatus.FAILED) result.failed++;
        else result.deadLettered++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, claimed.length) }, worker));
    return result;
  }

  listDeliveries(organizationId: string, filter?: DeliveryFilter): Promise<WebhookDeliveryRecord[]> {
    if (filter?.subscriptionId !== undefined && !UUID.test(filter.subscriptionId)) return Promise.resolve([]);
    return this.store.listDeliveries(organizationId, filter);
  }

  async getDelivery(organizationId: string, id: string): Promise<WebhookDeliveryRecord> {
    const delivery = UUID.test(id) ? await this.store.getDelivery(organizationId, id) : undefined;
    if (!delivery) throw notFound('webhook delivery', id);
    return delivery;
  }

  async deliveryAttempts(organizationId: string, id: string): Promise<DeliveryAttemptRecord[]> {
    await this.getDelivery(organizationId, id); // tenant check
    return this.store.listAttempts(id);
  }

  /** Sends a dead-lettered delivery again, with the same webhook-id and a fresh retry budget. */
  async replayDelivery(organizationId: string, id: string): Promise<WebhookDeliveryRecord> {
    const delivery = await this.getDelivery(organizationId, id);
    if (delivery.status !== DeliveryStatus.DEAD_LETTER && delivery.status !== DeliveryStatus.FAILED) {
      throw new HttpError(409, `delivery ${id} is ${delivery.status}; only DEAD_LETTER or FAILED deliveries can be replayed`);
    }
    if (!(await this.store.replay(organizationId, id))) throw notFound('webhook delivery', id);
    this.wake();
    return this.getDelivery(organizationId, id);
  }

  // ---- internals --------------------------------------------------------------------------------------------

  private async attempt(delivery: ClaimedDelivery): Promise<AttemptOutcome['status']> {
    const attempt = delivery.attempts + 1;
    let outcome: AttemptOutcome;
    try {
      // Signed at each attempt: the timestamp is the attempt's, the webhook-id and body are the delivery's.
      const headers = new WebhookSigner(delivery.secrets).headers(delivery.messageId, delivery.body);
      const sent = await sendWebhook(
        { url: delivery.url, body: delivery.body, headers: { ...headers } },
        { timeoutMs: this.timeoutMs, egress: this.egress, userAgent: this.userAgent },
      );
      outcome = sent.ok
        ? { ...sent, status: DeliveryStatus.SUCCESS }
        : attempt > this.maxRetries
          ? { ...sent, status: DeliveryStatus.DEAD_LETTER }
          : { ...sent, status: DeliveryStatus.FAILED, retryInMs: backoffDelay(attempt, this.backoff) };
    } catch (error) {
      // A bug or a bad stored secret: recorded like a failed attempt so the delivery still ends in a final state.
      const failure = { statusCode: null, error: String((error as Error).message ?? error), durationMs: 0 };
      outcome =
        attempt > this.maxRetries
          ? { ...failure, status: DeliveryStatus.DEAD_LETTER }
          : { ...failure, status: DeliveryStatus.FAILED, retryInMs: backoffDelay(attempt, this.backoff) };
    }
    const recorded = await this.store.recordAttempt(delivery.id, this.nodeId, attempt, outcome);
    if (!recorded) this.onError(new Error(`lease on delivery ${delivery.id} was lost before its attempt was recorded`), 'record');
    return outcome.status;
  }

  private async poll(): Promise<void> {
    const limit = this.queue.capacity;
    while (this.running) {
      const room = limit - this.queue.size - this.inFlight.size;
      let claimed = 0;
      if (room > 0) {
        try {
          const due = await this.store.claimDue(this.nodeId, room, this.leaseMs);
          for (const delivery of due) this.queue.push(delivery, delivery.priority);
          claimed = due.length;
        } catch (error) {
          this.onError(error, 'claiming deliveries');
        }
        this.pump();
      }
      if (!this.running) break;
      // Go again at once while there is work and room; otherwise wait for the interval, a new event or a free worker.
      if (claimed === 0 || this.queue.size + this.inFlight.size >= limit) await this.pause(this.pollIntervalMs);
    }
  }

  private pump(): void {
    while (this.inFlight.size < this.concurrency) {
      const delivery = this.queue.shift();
      if (!delivery) return;
      const task = this.attempt(delivery)
        .catch((error) => this.onError(error, `delivery ${delivery.id}`))
        .finally(() => {
          this.inFlight.delete(task);
          if (this.running) {
            this.pump();
            this.wake();
          }
        });
      this.inFlight.add(task);
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

  private wake(): void {
    this.wakeUp?.();
  }

  private checkUrl(url: unknown): string {
    if (typeof url !== 'string' || url.length > 2048) throw new HttpError(400, 'url must be a string of at most 2048 characters');
    try {
      return assertUrlAllowed(url, this.egress).toString();
    } catch (error) {
      if (error instanceof EgressDeniedError) throw new HttpError(400, error.message);
      throw error;
    }
  }
}

/** `*` matches everything, `requirement.*` every type under `requirement.`, anything else itself. */
export function matchesEventType(filters: readonly string[], eventType: string): boolean {
  const type = eventType.toLowerCase();
  return filters.some((raw) => {
    const filter = raw.toLowerCase();
    if (filter === '*') return true;
    if (filter.endsWith('.*')) return type.startsWith(filter.slice(0, -1));
    return filter === type;
  });
}

function checkEventTypes(eventTypes: unknown): string[] {
  if (!Array.isArray(eventTypes) || eventTypes.length === 0 || eventTypes.length > MAX_EVENT_FILTERS) {
    throw new HttpError(400, `eventTypes must be a list of 1 to ${MAX_EVENT_FILTERS} event types`);
  }
  for (const type of eventTypes) {
    if (typeof type !== 'string' || type.length > 200 || !EVENT_FILTER.test(type)) {
      throw new HttpError(400, `eventTypes: ${JSON.stringify(type)} is not an event type, a "prefix.*" or "*"`);
    }
  }
  return [...new Set(eventTypes as string[])];
}

function checkDescription(description: unknown): string | null {
  if (description === undefined || description === null) return null;
  if (typeof description !== 'string' || description.length > 500) {
    throw new HttpError(400, 'description must be a string of at most 500 characters');
  }
  return description;
}

function requireId(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128) {
    throw new HttpError(400, `${field} is required (a string of at most 128 characters)`);
  }
}
