import { EventEmitter } from 'node:events';
import { Client } from '@elastic/elasticsearch';
import { Redis } from 'ioredis';

export const redis = new Redis(process.env.REDIS_URL ?? 'redis://localhost:6379');

export const search = new Client({ node: process.env.ELASTICSEARCH_URL ?? 'http://localhost:9200' });

// In-process: listeners (search indexing, notifications) run after the publisher, in this process only.
export const groupEvents = new EventEmitter();

/** A read-through cache over Redis: the cached JSON for `key`, or `load()`'s result kept for `ttlSeconds`. */
export const cache = {
  async get<T>(key: string, load: () => Promise<T>, ttlSeconds = 30): Promise<T> {
    const hit = await redis.get(key);
    if (hit !== null) return JSON.parse(hit) as T;
    const value = await load();
    await redis.set(key, JSON.stringify(value), 'EX', ttlSeconds);
    return value;
  },
  async del(key: string): Promise<void> {
    await redis.del(key);
  },
};
