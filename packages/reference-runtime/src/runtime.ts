import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { openDatabase, type Database } from './db/database.js';
import { migrate } from './db/migrate.js';
import { createBroker, type EventBroker } from './core/broker/broker.js';
import { RedisStreamsBroker } from './core/broker/redis-streams.js';
import { wireEventDispatch } from './core/events/dispatch.js';
import { OutboxRelay, type OutboxRelayOptions } from './core/outbox/relay.js';
import { createRedis, type RedisClient } from './core/redis/client.js';
import { createPubSub, type PubSub } from './core/redis/pubsub.js';
import { WebhookManager, type WebhookManagerOptions } from './core/webhooks/manager.js';
import { ConnectionManager, type ConnectionManagerOptions } from './core/websocket/manager.js';
import { subscribeMatching } from './modules/matching/subscriber.js';
import { assertServerSecrets } from './core/auth/secrets.js';
import { sessionAuthenticator } from './core/auth/websocket.js';

export interface RuntimeConfig {
  /** postgres://… for a PostgreSQL server; embedded PGlite when empty. Env: DATABASE_URL. */
  databaseUrl?: string;
  /** Schema to work in on the server (created if missing). Env: DATABASE_SCHEMA. */
  databaseSchema?: string;
  /** PGlite's directory; in memory when empty. Env: PGLITE_DATA_DIR. */
  pgliteDataDir?: string;
  /** An already open database (tests); the runtime then migrates it but does not close it. */
  database?: Database;
  /** redis://… for Redis (client, Streams broker, WebSocket fan-out); in-process stand-ins when empty. Env: REDIS_URL. */
  redisUrl?: string;
  /** Prefix of the runtime's stream, consumer group and pub/sub channel, so deployments sharing a Redis stay apart. Env: REDIS_NAMESPACE. */
  redisNamespace?: string;
  /** Env: PORT (0 picks a free port). */
  port?: number;
  /** Env: HOST. */
  host?: string;
  /** Fastify's request log. Env: LOG_REQUESTS=1. */
  logger?: boolean;
  /**
   * The first-run setup token (`x-setup-token` on the seed routes while no administrator exists). Env: SETUP_TOKEN;
   * a random one for this process when unset (`npm start` prints it when the system needs setting up).
   */
  setupToken?: string;
  relay?: OutboxRelayOptions;
  webhooks?: Omit<WebhookManagerOptions, 'database' | 'store'>;
  websocket?: Omit<ConnectionManagerOptions, 'pubsub' | 'fanOutChannel'>;
  /** Where unset fields are read from; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedRuntimeConfig {
  databaseUrl: string | undefined;
  databaseSchema: string | undefined;
  pgliteDataDir: string | undefined;
  redisUrl: string | undefined;
  redisNamespace: string;
  port: number;
  host: string;
  logger: boolean;
  setupToken: string;
}

export interface RuntimeAddress {
  url: string;
  wsUrl: string;
  port: number;
}

export interface Runtime {
  readonly config: ResolvedRuntimeConfig;
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly redis: RedisClient;
  readonly broker: EventBroker;
  readonly ws: ConnectionManager;
  readonly webhooks: WebhookManager;
  readonly relay: OutboxRelay;
  /** Where it listens, once started. */
  readonly address: RuntimeAddress | undefined;
  /** Listens, serves /ws, and starts the event flow (relay → broker → WebSocket and webhooks). */
  start(): Promise<RuntimeAddress>;
  /** Stops the event flow (waiting for the batch and deliveries in flight), then the server, then the connections. */
  stop(): Promise<void>;
}

/** Reads the runtime's settings; explicit fields win over the environment, an empty string means "not set". */
export function resolveRuntimeConfig(config: RuntimeConfig = {}): ResolvedRuntimeConfig {
  const env = config.env ?? process.env;
  const pick = (value: string | undefined, name: string) => {
    const chosen = value ?? env[name];
    return chosen === undefined || chosen === '' ? undefined : chosen;
  };
  const port = config.port ?? (env.PORT ? Number(env.PORT) : 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`PORT must be 0-65535 (got ${env.PORT})`);
  return {
    databaseUrl: pick(config.databaseUrl, 'DATABASE_URL'),
    databaseSchema: pick(config.databaseSchema, 'DATABASE_SCHEMA'),
    pgliteDataDir: pick(config.pgliteDataDir, 'PGLITE_DATA_DIR'),
    redisUrl: pick(config.redisUrl, 'REDIS_URL'),
    redisNamespace: pick(config.redisNamespace, 'REDIS_NAMESPACE') ?? 'runtime',
    port,
    host: pick(config.host, 'HOST') ?? '127.0.0.1',
    logger: config.logger ?? env.LOG_REQUESTS === '1',
    setupToken: pick(config.setupToken, 'SETUP_TOKEN') ?? randomBytes(24).toString('base64url'),
  };
}

/** Opens and wires everything the runtime is made of; nothing listens or polls until `start()`. */
export async function createRuntime(config: RuntimeConfig = {}): Promise<Runtime> {
  const resolved = resolveRuntimeConfig(config);
  // AUTH_SECRET and OTP_SECRET: outside development a missing one stops the start here, not at the first login.
  assertServerSecrets();
  const ownsDatabase = !config.database;
  const database =
    config.database ??
    (await openDatabase({ url: resolved.databaseUrl, schema: resolved.databaseSchema, dataDir: resolved.pgliteDataDir }));
  const cleanup: (() => Promise<unknown>)[] = [];
  if (ownsDatabase) cleanup.push(() => database.close());
  try {
    await migrate(database);

    const redis = createRedis(resolved.redisUrl);
    cleanup.unshift(() => redis.quit());
    const pubsub: PubSub = createPubSub(redis);
    cleanup.unshift(() => pubsub.close());
    const ns = resolved.redisNamespace;
    const broker = createBroker(resolved.redisUrl, { stream: `${ns}:outbox-events`, group: ns });
    cleanup.unshift(() => broker.close());
    const ws = new ConnectionManager({ ...config.websocket, pubsub, fanOutChannel: `${ns}:ws-fanout` });
    cleanup.unshift(() => ws.close());
    await ws.ready();
    const webhooks = new WebhookManager({
      egress: { allowLoopback: flag(config, 'WEBHOOK_ALLOW_LOOPBACK'), allowPrivate: flag(config, 'WEBHOOK_ALLOW_PRIVATE') },
      ...config.webhooks,
      database,
    });
    const app = await buildApp(
      { database, redis, broker, ws, webhooks },
      { logger: resolved.logger, setupToken: resolved.setupToken },
    );
    cleanup.unshift(() => app.close());
    const relay = new OutboxRelay(database, broker, config.relay);

    return new RunningRuntime(resolved, { app, database, redis, broker, ws, webhooks, relay }, cleanup);
  } catch (error) {
    await closeAll(cleanup);
    throw error;
  }
}

class RunningRuntime implements Runtime {
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly redis: RedisClient;
  readonly broker: EventBroker;
  readonly ws: ConnectionManager;
  readonly webhooks: WebhookManager;
  readonly relay: OutboxRelay;
  address: RuntimeAddress | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;
  private unsubscribeDispatch: (() => void) | undefined;
  private unsubscribeMatching: (() => void) | undefined;
  private detachWebSocket: (() => void) | undefined;

  constructor(
    readonly config: ResolvedRuntimeConfig,
    parts: Pick<Runtime, 'app' | 'database' | 'redis' | 'broker' | 'ws' | 'webhooks' | 'relay'>,
    /** Closes what createRuntime opened, last opened first. */
    private readonly cleanup: (() => Promise<unknown>)[],
  ) {
    ({ app: this.app, database: this.database, redis: this.redis, broker: this.broker } = parts);
    ({ ws: this.ws, webhooks: this.webhooks, relay: this.relay } = parts);
  }

  async start(): Promise<RuntimeAddress> {
    if (this.stopping) throw new Error('the runtime was stopped; create a new one');
    if (this.started) return this.address!;
    this.started = true;
    this.detachWebSocket = this.ws.attach(this.app.server, { path: '/ws', authenticate: sessionAuthenticator(this.database) });
    await this.app.listen({ port: this.config.port, host: this.config.host });
    const { port } = this.app.server.address() as AddressInfo;
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    this.address = { url: `http://${host}:${port}`, wsUrl: `ws://${host}:${port}/ws`, port };

    // Subscribers first, so the first batch the relay publishes already has somewhere to go.
    this.unsubscribeDispatch = wireEventDispatch(this.broker, { ws: this.ws, webhooks: this.webhooks });
    // Matching reacts to the trade desk's committed events (requirement published, availability approved).
    this.unsubscribeMatching = subscribeMatching(this.broker, this.database, (error, message) =>
      this.app.log.warn({ err: error, eventId: message.eventId }, `matching failed for ${message.eventType}`),
    );
    if (this.broker instanceof RedisStreamsBroker) await this.broker.ready();
    this.webhooks.start();
    this.relay.start();
    return this.address;
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    // Producers before consumers: no new batch is claimed, then what is in flight drains, then the pipes close.
    await this.relay.stop();
    await this.webhooks.stop();
    this.unsubscribeDispatch?.();
    this.unsubscribeMatching?.();
    this.detachWebSocket?.();
    // WebSocket clients before the HTTP server: the server's close waits for every socket, upgraded ones included.
    await this.ws.close();
    await closeAll(this.cleanup);
  }
}

async function closeAll(steps: (() => Promise<unknown>)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'the runtime did not stop cleanly');
}

function flag(config: RuntimeConfig, name: string): boolean {
  return (config.env ?? process.env)[name] === '1';
}
