import { RedisStreamsBroker, type RedisStreamsBrokerOptions } from './redis-streams.js';

/** A message as the relay publishes it and consumers receive it. */
export interface BrokerMessage {
  eventId: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  organizationId: string | null;
  payload: Record<string, unknown>;
  occurredAt: string;
}

export type BrokerHandler = (message: BrokerMessage) => Promise<void> | void;

/**
 * Where the relay publishes: an in-process bus by default, Redis Streams when REDIS_URL is set. Delivery is at least
 * once either way, so handlers must tolerate a message they have seen (every message carries its `eventId`).
 */
export interface EventBroker {
  publish(message: BrokerMessage): Promise<void>;
  subscribe(handler: BrokerHandler): () => void;
  close(): Promise<void>;
}

/**
 * Calls the subscribers inside `publish`, so a handler's failure fails the publish and the relay retries the outbox
 * row: nothing is lost, and the other handlers may see the message again.
 */
export class InProcessBroker implements EventBroker {
  private readonly handlers = new Set<BrokerHandler>();

  async publish(message: BrokerMessage): Promise<void> {
    for (const handler of [...this.handlers]) await handler(message);
  }

  subscribe(handler: BrokerHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

/** Redis Streams when a Redis URL is given, the in-process bus otherwise. */
export function createBroker(redisUrl?: string, options: Omit<RedisStreamsBrokerOptions, 'url' | 'client'> = {}): EventBroker {
  return redisUrl ? new RedisStreamsBroker({ ...options, url: redisUrl }) : new InProcessBroker();
}
