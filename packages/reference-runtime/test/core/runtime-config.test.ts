import { describe, expect, it } from 'vitest';
import { resolveRuntimeConfig } from '../../src/runtime.js';

describe('runtime configuration', () => {
  it('defaults to the embedded stand-ins on 127.0.0.1:3000', () => {
    expect(resolveRuntimeConfig({ env: {} })).toEqual({
      databaseUrl: undefined,
      databaseSchema: undefined,
      pgliteDataDir: undefined,
      redisUrl: undefined,
      redisNamespace: 'runtime',
      port: 3000,
      host: '127.0.0.1',
      logger: false,
      setupToken: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    });
  });

  it('draws a random setup token unless SETUP_TOKEN names one', () => {
    expect(resolveRuntimeConfig({ env: {} }).setupToken).not.toBe(resolveRuntimeConfig({ env: {} }).setupToken);
    expect(resolveRuntimeConfig({ env: { SETUP_TOKEN: 'from-the-operator' } }).setupToken).toBe('from-the-operator');
  });

  it('reads DATABASE_URL, REDIS_URL, PORT and HOST from the environment', () => {
    const env = {
      DATABASE_URL: 'postgres://root@127.0.0.1:5432/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: '8080',
      HOST: '0.0.0.0',
      REDIS_NAMESPACE: 'staging',
      LOG_REQUESTS: '1',
    };
    expect(resolveRuntimeConfig({ env })).toMatchObject({
      databaseUrl: env.DATABASE_URL,
      redisUrl: env.REDIS_URL,
      port: 8080,
      host: '0.0.0.0',
      redisNamespace: 'staging',
      logger: true,
    });
  });

  it('lets explicit settings win, with an empty string meaning "not set"', () => {
    const env = { DATABASE_URL: 'postgres://elsewhere/db', REDIS_URL: 'redis://elsewhere', PORT: '8080' };
    expect(resolveRuntimeConfig({ env, databaseUrl: '', redisUrl: '', port: 0 })).toMatchObject({
      databaseUrl: undefined,
      redisUrl: undefined,
      port: 0,
    });
  });

  it('refuses a port that is not one', () => {
    expect(() => resolveRuntimeConfig({ env: { PORT: 'eighty' } })).toThrow(/PORT/);
    expect(() => resolveRuntimeConfig({ env: { PORT: '70000' } })).toThrow(/PORT/);
  });
});
