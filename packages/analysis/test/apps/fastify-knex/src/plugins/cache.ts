import fp from 'fastify-plugin';

export interface ResponseCache {
  get<T>(key: string, load: () => Promise<T>): Promise<T>;
  delete(key: string): boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    cache: ResponseCache;
  }
}

export default fp<{ ttlMs: number }>(
  async (fastify, opts) => {
    const entries = new Map<string, { value: unknown; expiresAt: number }>();
    const cache: ResponseCache = {
      async get<T>(key: string, load: () => Promise<T>): Promise<T> {
        const hit = entries.get(key);
        if (hit && hit.expiresAt > Date.now()) return hit.value as T;
        const value = await load();
        entries.set(key, { value, expiresAt: Date.now() + opts.ttlMs });
        return value;
      },
      delete: (key) => entries.delete(key),
    };
    fastify.decorate('cache', cache);
  },
  { name: 'cache' },
);
