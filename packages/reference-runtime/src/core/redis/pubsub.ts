import { Redis } from 'ioredis';
import { MemoryRedis, type RedisClient } from './client.js';

export type PubSubHandler = (message: string) => void;

/**
 * Publish/subscribe between the runtime's nodes. A Redis connection that subscribes can run no other command, so
 * the ioredis variant subscribes on a duplicate of the client it is given and publishes on the original.
 */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is live, so a message published afterwards is received. */
  subscribe(channel: string, handler: PubSubHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

class MemoryPubSub implements PubSub {
  private readonly unsubscribers = new Set<() => void>();

  constructor(private readonly redis: MemoryRedis) {}

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(channel, message);
  }

  async subscribe(channel: string, handler: PubSubHandler): Promise<() => Promise<void>> {
    const off = this.redis.subscribe(channel, handler);
    this.unsubscribers.add(off);
    return async () => {
      off();
      this.unsubscribers.delete(off);
    };
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribers) off();
    this.unsubscribers.clear();
  }
}

class RedisPubSub implements PubSub {
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, Set<PubSubHandler>>();

  constructor(private readonly publisher: Redis) {}

  private connection(): Redis {
    if (!this.subscriber) {
      const subscriber = this.publisher.duplicate();
      subscriber.on('message', (channel: string, message: string) => {
        for (const handler of this.handlers.get(channel) ?? []) handler(message);
      });
      // ioredis resubscribes by itself after a reconnect; an error here is logged by ioredis' own listener.
      subscriber.on('error', () => undefined);
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.publisher.publish(channel, message);
  }

  async subscribe(channel: string, handler: PubSubHandler): Promise<() => Promise<void>> {
    let set = this.handlers.get(channel);
    if (!set) {
      this.handlers.set(channel, (set = new Set()));
      await this.connection().subscribe(channel);
    }
    set.add(handler);
    return async () => {
      const current = this.handlers.get(channel);
      if (!current?.delete(handler) || current.size > 0) return;
      this.handlers.delete(channel);
      await this.subscriber?.unsubscribe(channel);
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }
}

/** Pub/sub over the same backend as `redis`: in process for {@link MemoryRedis}, a Redis server for ioredis. */
export function createPubSub(redis: RedisClient): PubSub {
  if (redis instanceof MemoryRedis) return new MemoryPubSub(redis);
  if (redis instanceof Redis) return new RedisPubSub(redis);
  throw new TypeError('createPubSub needs a MemoryRedis or an ioredis client');
}
