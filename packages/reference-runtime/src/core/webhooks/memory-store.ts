import { randomUUID } from 'node:crypto';
import { PRIORITY_ORDER } from './queue.js';
import {
  withoutSecrets,
  type AttemptOutcome,
  type ClaimedDelivery,
  type DeliveryAttemptRecord,
  type DeliveryFilter,
  type NewDelivery,
  type NewSubscription,
  type StoredSubscription,
  type SubscriptionPatch,
  type WebhookDeliveryRecord,
  type WebhookStore,
  type WebhookSubscription,
} from './store.js';

interface MemoryDelivery extends WebhookDeliveryRecord {
  body: string;
  lockedBy: string | null;
  lockedUntil: number;
  attemptLog: DeliveryAttemptRecord[];
}

/**
 * The store of a WebhookManager built without a database: same rules as {@link SqlWebhookStore}, nothing kept
 * across restarts. One process only, so its leases only have to hold against this process's own workers.
 */
export class MemoryWebhookStore implements WebhookStore {
  private readonly subscriptions = new Map<string, StoredSubscription>();
  private readonly deliveries = new Map<string, MemoryDelivery>();

  async createSubscription(input: NewSubscription): Promise<StoredSubscription> {
    const now = new Date().toISOString();
    const subscription: StoredSubscription = {
      id: randomUUID(),
      organizationId: input.organizationId,
      url: input.url,
      description: input.description,
      eventTypes: [...input.eventTypes],
      active: true,
      createdAt: now,
      updatedAt: now,
      secret: input.secret,
      previousSecret: null,
      previousSecretExpiresAt: null,
    };
    this.subscriptions.set(subscription.id, subscription);
    return { ...subscription };
  }

  async listSubscriptions(organizationId: string): Promise<WebhookSubscription[]> {
    return this.ofOrganization(organizationId).map(withoutSecrets);
  }

  async getSubscription(organizationId: string, id: string): Promise<StoredSubscription | undefined> {
    const subscription = this.subscriptions.get(id);
    return subscription?.organizationId === organizationId ? { ...subscription } : undefined;
  }

  async updateSubscription(organizationId: string, id: string, patch: SubscriptionPatch) {
    const subscription = this.subscriptions.get(id);
    if (subscription?.organizationId !== organizationId) return undefined;
    if (patch.url !== undefined) subscription.url = patch.url;
    if (patch.description !== undefined) subscription.description = patch.description;
    if (patch.eventTypes !== undefined) subscription.eventTypes = [...patch.eventTypes];
    if (patch.active !== undefined) subscription.active = patch.active;
    subscription.updatedAt = new Date().toISOString();
    return withoutSecrets(subscription);
  }

  async rotateSecret(organizationId: string, id: string, secret: string, graceMs: number): Promise<boolean> {
    const subscription = this.subscriptions.get(id);
    if (subscription?.organizationId !== organizationId) return false;
    subscription.previousSecret = subscription.secret;
    subscription.previousSecretExpiresAt = new Date(Date.now() + graceMs).toISOString();
    subscription.secret = secret;
    subscription.updatedAt = new Date().toISOString();
    return true;
  }

  async deleteSubscription(organizationId: string, id: string): Promise<boolean> {
    if (this.subscriptions.get(id)?.organizationId !== organizationId) return false;
    this.subscriptions.delete(id);
    for (const [deliveryId, delivery] of this.deliveries) {
      if (delivery.subscriptionId === id) this.deliveries.delete(deliveryId);
    }
    return true;
  }

  async activeSubscriptions(organizationId: string): Promise<StoredSubscription[]> {
    return this.ofOrganization(organizationId).filter((s) => s.active);
  }

  async insertDeliveries(deliveries: NewDelivery[]): Promise<WebhookDeliveryRecord[]> {
    const created: MemoryDelivery[] = [];
    const now = Date.now();
    for (const input of deliveries) {
      const duplicate = [...this.deliveries.values()].some(
        (d) => d.subscriptionId === input.subscriptionId && d.eventId === input.eventId,
      );
      if (duplicate || !this.subscriptions.has(input.subscriptionId)) continue;
      const delivery: MemoryDelivery = {
        ...input,
        id: randomUUID(),
        status: 'PENDING',
        attempts: 0,
        nextAttemptAt: new Date(now).toISOString(),
        lastStatusCode: null,
        lastError: null,
        createdAt: new Date(now).toISOString(),
        deliveredAt: null,
        deadLetteredAt: null,
        lockedBy: null,
        lockedUntil: 0,
        attemptLog: [],
      };
      this.deliveries.set(delivery.id, delivery);
      created.push(delivery);
    }
    return byPriority(created).map(record);
  }

  async claimDue(owner: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const now = Date.now();
    const due = [...this.deliveries.values()].filter(
      (d) =>
        (d.status === 'PENDING' || d.status === 'FAILED') &&
        Date.parse(d.nextAttemptAt) <= now &&
        d.lockedUntil <= now,
    );
    const batch = byPriority(due).slice(0, limit);
    for (const delivery of batch) {
      delivery.lockedBy = owner;
      delivery.lockedUntil = now + leaseMs;
    }
    return batch.map((d) => this.claimed(d));
  }

  async recordAttempt(id: string, owner: string, attempt: number, outcome: AttemptOutcome): Promise<boolean> {
    const delivery = this.deliveries.get(id);
    if (!delivery || delivery.lockedBy !== owner) return false;
    const now = new Date();
    delivery.attempts = attempt;
    delivery.status = outcome.status;
    delivery.lastStatusCode = outcome.statusCode;
    delivery.lastError = outcome.error;
    if (outcome.status === 'FAILED') delivery.nextAttemptAt = new Date(now.getTime() + (outcome.retryInMs ?? 0)).toISOString();
    if (outcome.status === 'SUCCESS') delivery.deliveredAt = now.toISOString();
    if (outcome.status === 'DEAD_LETTER') delivery.deadLetteredAt = now.toISOString();
    delivery.lockedBy = null;
    delivery.lockedUntil = 0;
    delivery.attemptLog.push({
      attempt,
      statusCode: outcome.statusCode,
      error: outcome.error,
      durationMs: Math.round(outcome.durationMs),
      at: now.toISOString(),
    });
    return true;
  }

  async listDeliveries(organizationId: string, filter: DeliveryFilter = {}): Promise<WebhookDeliveryRecord[]> {
    return [...this.deliveries.values()]
      .filter(
        (d) =>
          d.organizationId === organizationId &&
          (filter.subscriptionId === undefined || d.subscriptionId === filter.subscriptionId) &&
          (filter.status === undefined || d.status === filter.status),
      )
      .reverse()
      .slice(0, filter.limit ?? 100)
      .map(record);
  }

  async getDelivery(organizationId: string, id: string): Promise<WebhookDeliveryRecord | undefined> {
    const delivery = this.deliveries.get(id);
    return delivery?.organizationId === organizationId ? record(delivery) : undefined;
  }

  async listAttempts(deliveryId: string): Promise<DeliveryAttemptRecord[]> {
    return [...(this.deliveries.get(deliveryId)?.attemptLog ?? [])];
  }

  async replay(organizationId: string, id: string): Promise<boolean> {
    const delivery = this.deliveries.get(id);
    if (delivery?.organizationId !== organizationId) return false;
    if (delivery.status !== 'DEAD_LETTER' && delivery.status !== 'FAILED') return false;
    Object.assign(delivery, {
      status: 'PENDING',
      attempts: 0,
      nextAttemptAt: new Date().toISOString(),
      deadLetteredAt: null,
      lockedBy: null,
      lockedUntil: 0,
    });
    return true;
  }

  private ofOrganization(organizationId: string): StoredSubscription[] {
    return [...this.subscriptions.values()].filter((s) => s.organizationId === organizationId).map((s) => ({ ...s }));
  }

  private claimed(delivery: MemoryDelivery): ClaimedDelivery {
    const subscription = this.subscriptions.get(delivery.subscriptionId)!;
    const previousValid =
      subscription.previousSecret !== null && Date.parse(subscription.previousSecretExpiresAt ?? '') > Date.now();
    return {
      ...record(delivery),
      body: delivery.body,
      url: subscription.url,
      secrets: previousValid ? [subscription.secret, subscription.previousSecret!] : [subscription.secret],
    };
  }
}

function byPriority(deliveries: MemoryDelivery[]): MemoryDelivery[] {
  const rank = (d: MemoryDelivery) => PRIORITY_ORDER.indexOf(d.priority);
  return [...deliveries].sort((a, b) => rank(a) - rank(b) || Date.parse(a.nextAttemptAt) - Date.parse(b.nextAttemptAt));
}

function record(delivery: MemoryDelivery): WebhookDeliveryRecord {
  const { body: _body, lockedBy: _by, lockedUntil: _until, attemptLog: _log, ...rest } = delivery;
  return { ...rest };
}
