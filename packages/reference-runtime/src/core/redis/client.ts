import { Redis } from 'ioredis';

/**
 * The part of Redis the runtime uses. ioredis when REDIS_URL is set; otherwise an in-process stand-in with the
 * same semantics, so the runtime and its tests need no server.
 */
export interface RedisClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  setex(key: string, seconds: number, value: string): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
  incr(key: string): Promise<number>;
  expire(key: string, seconds: number): Promise<number>;
  publish(channel: string, message: string): Promise<number>;
  quit(): Promise<unknown>;
}

export class MemoryRedis implements RedisClient {
  private readonly values = new Map<string, { value: string; expiresAt: number | undefined }>();
  private readonly subscribers = new Map<string, Set<(message: string) => void>>();

  private live(key: string) {
    const entry = this.values.get(key);
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.values.delete(key);
      return undefined;
    }
    return entry;
  }

  async get(key: string) {
    return this.live(key)?.value ?? null;
  }
  async set(key: string, value: string) {
    this.values.set(key, { value, expiresAt: undefined });
    return 'OK';
  }
  async setex(key: string, seconds: number, value: string) {
    this.values.set(key, { value, expiresAt: Date.now() + seconds * 1000 });
    return 'OK';
  }
  async del(...keys: string[]) {
    let n = 0;
    for (const k of keys) if (this.live(k) && this.values.delete(k)) n++;
    return n;
  }
  async incr(key: string) {
    const entry = this.live(key);
    const next = Number(entry?.value ?? '0') + 1;
    this.values.set(key, { value: String(next), expiresAt: entry?.expiresAt });
    return next;
  }
  async expire(key: string, seconds: number) {
    const entry = this.live(key);
    if (!entry) return 0;
    entry.expiresAt = Date.now() + seconds * 1000;
    return 1;
  }
  async publish(channel: string, message: string) {
    const subs = this.subscribers.get(channel);
    subs?.forEach((fn) => queueMicrotask(() => fn(message)));
    return subs?.size ?? 0;
  }
  /** Pub/sub for the stand-in: the in-process counterpart of a subscriber connection. */
  subscribe(channel: string, handler: (message: string) => void): () => void {
    let set = this.subscribers.get(channel);
    if (!set) this.subscribers.set(channel, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }
  async quit() {
    this.values.clear();
    return 'OK';
  }
}

export function createRedis(url: string | undefined): RedisClient {
  if (!url) return new MemoryRedis();
  return new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false });
}
