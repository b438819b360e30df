/** Delivery priorities of the seed's WebhookQueue. */
export const WebhookPriority = { HIGH: 'HIGH', MEDIUM: 'MEDIUM', LOW: 'LOW' } as const;
export type WebhookPriority = (typeof WebhookPriority)[keyof typeof WebhookPriority];

export const PRIORITY_ORDER: readonly WebhookPriority[] = [WebhookPriority.HIGH, WebhookPriority.MEDIUM, WebhookPriority.LOW];

export function isWebhookPriority(value: unknown): value is WebhookPriority {
  return typeof value === 'string' && (PRIORITY_ORDER as readonly string[]).includes(value);
}

/**
 * Risk signals are what a partner's systems must react to first; state changes of requirements, availabilities,
 * partners and matches come next; everything else (created/updated noise) last.
 */
export function defaultPriority(eventType: string): WebhookPriority {
  const type = eventType.toLowerCase();
  if (/risk|alert|credit_limit|credit-limit|block/.test(type)) return WebhookPriority.HIGH;
  if (/approved|rejected|published|cancelled|canceled|accepted|fulfilled|match_found|matched/.test(type)) {
    return WebhookPriority.MEDIUM;
  }
  return WebhookPriority.LOW;
}

/**
 * The order in which a node sends its claimed deliveries: HIGH before MEDIUM before LOW, first in first out within a
 * priority. The durable queue is the `webhook_deliveries` table; this only orders what one node is about to send, and
 * is bounded so a burst of events cannot grow it without limit.
 */
export class WebhookQueue<T> {
  private readonly lanes = new Map<WebhookPriority, T[]>(PRIORITY_ORDER.map((p) => [p, []]));
  private count = 0;

  constructor(readonly capacity: number = 10_000) {}

  get size(): number {
    return this.count;
  }

  /** False, and nothing queued, when the queue is full; the caller leaves the item in the store for later. */
  push(item: T, priority: WebhookPriority): boolean {
    if (this.count >= this.capacity) return false;
    this.lanes.get(priority)!.push(item);
    this.count++;
    return true;
  }

  shift(): T | undefined {
    for (const priority of PRIORITY_ORDER) {
      const lane = this.lanes.get(priority)!;
      if (lane.length > 0) {
        this.count--;
        return lane.shift();
      }
    }
    return undefined;
  }

  /** Removes and returns everything, in delivery order. */
  drain(): T[] {
    const items: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) items.push(item);
    return items;
  }
}
