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

/** Where the relay publishes: an in-process bus by default, Redis Streams when REDIS_URL is set. */
export interface EventBroker {
  publish(message: BrokerMessage): Promise<void>;
  subscribe(handler: BrokerHandler): () => void;
  close(): Promise<void>;
}

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
