import KeyvRedis from '@keyv/redis';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';

// Redis-backed when REDIS_URL is set, in-memory otherwise.
const store = process.env.REDIS_URL ? new Keyv({ store: new KeyvRedis(process.env.REDIS_URL) }) : new Keyv();

export const cache = createCache({ stores: [store], ttl: 30_000 });
