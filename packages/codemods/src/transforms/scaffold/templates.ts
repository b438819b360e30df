/**
 * The texts scaffold writes: the outbox and idempotency tables, the outbox repository, the idempotency store and the
 * relay, for one stack. Every name comes from ScaffoldNames (from the project's settings), never from the runtime.
 *
 * The classes run their SQL through the handle the operation already writes on, so the event and the key commit (or
 * roll back) with the change: a node-postgres client inside BEGIN…COMMIT, a session, Prisma's `$transaction` client,
 * TypeORM's transaction `manager`. Each stack differs only in how a statement is run and how the relay opens a
 * transaction; the SQL is PostgreSQL's.
 */

export type ScaffoldStack = 'node-postgres' | 'session' | 'prisma' | 'typeorm';

export interface ScaffoldNames {
  /** The outbox repository class (`OutboxRepository`), named after `outbox.names`. */
  outboxClass: string;
  /** Its event method (`addEvent`), the first of `outbox.eventCalls`. */
  eventCall: string;
  /** The event's type (`OutboxEvent`). */
  eventType: string;
  /** The outbox table (`outbox`). */
  outboxTable: string;
  /** The idempotency store class (`IdempotencyStore`), named after `idempotency.storeNames`. */
  storeClass: string;
  /** The idempotency table (`idempotency_keys`). */
  storeTable: string;
  /** The session style only: the handle's SQL method (`execute`, the first of `executeCalls`) and commit method. */
  executeCall: string;
  commitCall: string;
}

const HEADER = '// Written by outbox-codemod (scaffold). It is your code now: edit it as you like; a later run leaves it alone.';

/** The PostgreSQL DDL of both tables (a migration file of its own). */
export function migrationSql(n: ScaffoldNames): string {
  return `-- Written by outbox-codemod (scaffold): the transactional outbox and the idempotency keys.
-- Events are inserted in the transaction of the change they describe; the relay publishes them afterwards.
CREATE TABLE IF NOT EXISTS ${n.outboxTable} (
  id              bigserial   PRIMARY KEY,
  event_id        uuid        NOT NULL UNIQUE DEFAULT gen_random_uuid(),
  event_type      text        NOT NULL,
  aggregate_type  text        NOT NULL,
  aggregate_id    text        NOT NULL,
  organization_id text,
  payload         jsonb       NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz
);
CREATE INDEX IF NOT EXISTS ${n.outboxTable}_unpublished_idx ON ${n.outboxTable} (id) WHERE published_at IS NULL;

-- A key is claimed in the transaction of the work it guards; the response is stored before the commit, as JSON text.
CREATE TABLE IF NOT EXISTS ${n.storeTable} (
  scope           text        NOT NULL,
  key             text        NOT NULL,
  request_hash    text        NOT NULL,
  status          text        NOT NULL DEFAULT 'in_flight' CHECK (status IN ('in_flight', 'completed')),
  response_status integer,
  response_body   jsonb,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS ${n.storeTable}_expires_idx ON ${n.storeTable} (expires_at);
`;
}

/** Prisma models of both tables, appended to schema.prisma (mapped onto the same table and column names). */
export function prismaModels(n: ScaffoldNames, models: { event: string; key: string }): string {
  return `
/// Written by outbox-codemod (scaffold): events inserted in the transaction of the change they describe.
model ${models.event} {
  id             BigInt    @id @default(autoincrement())
  eventId        String    @unique @default(dbgenerated("gen_random_uuid()")) @map("event_id") @db.Uuid
  eventType      String    @map("event_type")
  aggregateType  String    @map("aggregate_type")
  aggregateId    String    @map("aggregate_id")
  organizationId String?   @map("organization_id")
  payload        Json
  createdAt      DateTime  @default(now()) @map("created_at") @db.Timestamptz(6)
  publishedAt    DateTime? @map("published_at") @db.Timestamptz(6)

  @@index([publishedAt, id])
  @@map("${n.outboxTable}")
}

/// Written by outbox-codemod (scaffold): idempotency keys, claimed in the transaction of the work they guard.
model ${models.key} {
  scope          String
  key            String
  requestHash    String   @map("request_hash")
  status         String   @default("in_flight")
  responseStatus Int?     @map("response_status")
  responseBody   Json?    @map("response_body")
  createdAt      DateTime @default(now()) @map("created_at") @db.Timestamptz(6)
  expiresAt      DateTime @map("expires_at") @db.Timestamptz(6)

  @@id([scope, key])
  @@index([expiresAt])
  @@map("${n.storeTable}")
}
`;
}

/** TypeORM entities of both tables (for the project's migration generation or `synchronize`). */
export function typeormEntities(n: ScaffoldNames, entities: { event: string; key: string }): string {
  return `${HEADER}
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** An event inserted in the transaction of the change it describes; the relay publishes it afterwards. */
@Entity('${n.outboxTable}')
@Index('${n.outboxTable}_unpublished_idx', ['id'], { where: 'published_at IS NULL' })
export class ${entities.event} {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid', unique: true, default: () => 'gen_random_uuid()' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ name: 'aggregate_type', type: 'text' })
  aggregateType!: string;

  @Column({ name: 'aggregate_id', type: 'text' })
  aggregateId!: string;

  @Column({ name: 'organization_id', type: 'text', nullable: true })
  organizationId!: string | null;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}

/** An idempotency key, claimed in the transaction of the work it guards. */
@Entity('${n.storeTable}')
export class ${entities.key} {
  @PrimaryColumn({ type: 'text' })
  scope!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ name: 'request_hash', type: 'text' })
  requestHash!: string;

  @Column({ type: 'text', default: 'in_flight' })
  status!: 'in_flight' | 'completed';

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ name: 'response_body', type: 'jsonb', nullable: true })
  responseBody!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Index('${n.storeTable}_expires_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
`;
}

/** How a stack's handle runs one statement: its structural type, and the body of `rows(sql, values)`. */
function runner(stack: ScaffoldStack, n: ScaffoldNames, typeName: string): { declaration: string; field: string; body: string } {
  switch (stack) {
    case 'node-postgres':
      return {
        declaration: `/** A node-postgres client inside BEGIN…COMMIT (a PoolClient), or a Pool for a statement of its own. */
export interface ${typeName} {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}`,
        field: 'db',
        body: 'return (await this.db.query(sql, values)).rows as R[];',
      };
    case 'session':
      return {
        declaration: `/** The request's DB session: it runs SQL in its transaction, which its owner commits. */
export interface ${typeName} {
  ${n.executeCall}(sql: string, params?: readonly unknown[]): Promise<{ rows: unknown[] }>;
}`,
        field: 'db',
        body: `return (await this.db.${n.executeCall}(sql, values)).rows as R[];`,
      };
    case 'prisma':
      return {
        declaration: `/** Prisma's transaction client (the \`tx\` of \`prisma.$transaction(async (tx) => …)\`), or the PrismaClient itself. */
export interface ${typeName} {
  $queryRawUnsafe<T = unknown>(query: string, ...values: any[]): PromiseLike<T>;
}`,
        field: 'tx',
        body: 'return await this.tx.$queryRawUnsafe<R[]>(sql, ...values);',
      };
    case 'typeorm':
      return {
        declaration: `/** TypeORM's transaction manager (the \`manager\` of \`dataSource.transaction(async (manager) => …)\`). */
export interface ${typeName} {
  query(query: string, parameters?: any[]): Promise<any>;
}`,
        field: 'manager',
        // The postgres driver answers an UPDATE or DELETE with [rows, affected], anything else with the rows.
        body: `const result: unknown = await this.manager.query(sql, values);
    return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result) as R[];`,
      };
  }
}

export function outboxRepository(stack: ScaffoldStack, n: ScaffoldNames): string {
  const handle = `${n.outboxClass}Handle`;
  const run = runner(stack, n, handle);
  return `${HEADER}

/** One event: \`<module>.<what happened>\`, the row it is about, and what changed. */
export interface ${n.eventType} {
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  organizationId?: string | null | undefined;
}

${run.declaration}

/**
 * Writes events into the \`${n.outboxTable}\` table through the handle of the transaction that makes the change, so the
 * event commits, or rolls back, with it. The relay publishes committed events afterwards.
 *
 * An advisory lock on the aggregate, held until the commit, makes writers of one aggregate queue: within an
 * aggregate, the order of ids is the order of commits, so the relay publishes its events in the order they happened.
 */
export class ${n.outboxClass} {
  private readonly ${run.field}: ${handle};

  constructor(${run.field}: ${handle}) {
    this.${run.field} = ${run.field};
  }

  async ${n.eventCall}(event: ${n.eventType}): Promise<string> {
    await this.rows('SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 0))', [\`${n.outboxTable}\\u001f\${event.aggregateType}\\u001f\${event.aggregateId}\`]);
    const rows = await this.rows<{ event_id: string }>(
      \`INSERT INTO ${n.outboxTable} (event_type, aggregate_type, aggregate_id, organization_id, payload)
       VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING event_id::text AS event_id\`,
      [event.eventType, event.aggregateType, event.aggregateId, event.organizationId ?? null, JSON.stringify(event.payload)],
    );
    return rows[0]!.event_id;
  }

  private async rows<R>(sql: string, values: unknown[]): Promise<R[]> {
    ${run.body}
  }
}
`;
}

export function idempotencyStore(stack: ScaffoldStack, n: ScaffoldNames): string {
  const handle = `${n.storeClass}Handle`;
  const run = runner(stack, n, handle);
  const t = n.storeTable;
  return `${HEADER}

/** What \`begin\` found for a key. */
export type IdempotencyOutcome =
  /** This request owns the key: do the work, then \`complete\` before the commit. */
  | { state: 'claimed' }
  /** The same request already completed: answer with its stored response, write nothing. */
  | { state: 'replay'; status: number; body: unknown }
  /** The same request is still being processed by a transaction that committed without completing it (409). */
  | { state: 'in_flight' }
  /** The key was used for a different request (422). */
  | { state: 'mismatch' };

${run.declaration}

/** An outcome that is neither a claim nor a replay, as an HTTP error: \`status\` 409 or 422 (400 for a bad key). */
export class IdempotencyError extends Error {
  readonly status: number;
  /** The same status where http-errors and NestJS's exception filter read it (Nest answers 500 without it). */
  readonly statusCode: number;
  readonly code: string;

  constructor(status: number, message: string, code: string) {
    super(message);
    this.name = 'IdempotencyError';
    this.status = status;
    this.statusCode = status;
    this.code = code;
  }
}

/**
 * A replay inside a transaction scope (\`$transaction(async (tx) => …)\`, \`dataSource.transaction(…)\`): thrown there, so the
 * scope rolls back instead of committing, and turned back into the stored answer by \`withReplay\` around it.
 */
export class IdempotencyReplay extends Error {
  readonly body: unknown;

  constructor(body: unknown) {
    super('idempotent replay');
    this.name = 'IdempotencyReplay';
    this.body = body;
  }
}

/** \`return withReplay(prisma.$transaction(async (tx) => …))\`: the scope's result, or the stored answer of a replay. */
export async function withReplay<T>(work: PromiseLike<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof IdempotencyReplay) return error.body as T;
    throw error;
  }
}

const TTL_SECONDS = 24 * 60 * 60;

/**
 * Idempotency keys claimed in the caller's own transaction, beside the business rows and the outbox event, so they
 * commit or roll back together. A concurrent duplicate waits on the key's advisory lock until the first transaction
 * ends, then replays its stored response (or claims the key, if the first rolled back).
 */
export class ${n.storeClass} {
  private readonly ${run.field}: ${handle};

  constructor(${run.field}: ${handle}) {
    this.${run.field} = ${run.field};
  }

  async begin(scope: string, key: string, request: string): Promise<IdempotencyOutcome> {
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      throw new IdempotencyError(400, 'Idempotency-Key must be 1 to 255 characters', 'bad_idempotency_key');
    }
    await this.rows('SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended($1, 0))', [\`\${scope}\\u001f\${key}\`]);
    await this.rows('DELETE FROM ${t} WHERE scope = $1 AND key = $2 AND expires_at <= now() RETURNING key', [scope, key]);
    const claimed = await this.rows(
      \`INSERT INTO ${t} (scope, key, request_hash, expires_at)
       VALUES ($1, $2, encode(sha256(convert_to($3::text, 'UTF8')), 'hex'), now() + $4::integer * interval '1 second')
       ON CONFLICT (scope, key) DO NOTHING RETURNING key\`,
      [scope, key, request, TTL_SECONDS],
    );
    if (claimed.length > 0) return { state: 'claimed' };
    const rows = await this.rows<{ same: boolean; status: string; response_status: number | null; response_text: string | null }>(
      \`SELECT request_hash = encode(sha256(convert_to($3::text, 'UTF8')), 'hex') AS same, status, response_status,
              response_body #>> '{}' AS response_text
       FROM ${t} WHERE scope = $1 AND key = $2\`,
      [scope, key, request],
    );
    const existing = rows[0];
    if (!existing) return { state: 'in_flight' };
    if (!existing.same) return { state: 'mismatch' };
    if (existing.status !== 'completed') return { state: 'in_flight' };
    return { state: 'replay', status: Number(existing.response_status), body: existing.response_text === null ? null : JSON.parse(existing.response_text) };
  }

  /**
   * Stores the response for replays, in the transaction of \`begin\`, before the commit. The body is kept as its JSON
   * text (a jsonb string, not a jsonb object, whose keys PostgreSQL would reorder), so a replay is byte for byte the
   * first answer.
   */
  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    const updated = await this.rows(
      \`UPDATE ${t} SET status = 'completed', response_status = $3, response_body = to_jsonb($4::text)
       WHERE scope = $1 AND key = $2 AND status = 'in_flight' RETURNING key\`,
      [scope, key, status, JSON.stringify(body ?? null)],
    );
    if (updated.length === 0) throw new Error(\`idempotency key \${scope}/\${key} was not claimed in this transaction\`);
  }

  private async rows<R = unknown>(sql: string, values: unknown[]): Promise<R[]> {
    ${run.body}
  }
}

/** Keys are per tenant and per operation: one key sent to two tenants, or two operations, is two keys. */
export function idempotencyScope(tenant: string, operation: string): string {
  return \`\${tenant}:\${operation}\`;
}

/** The HTTP error for an outcome that is neither claimed nor a replay. */
export function idempotencyError(outcome: { state: 'in_flight' } | { state: 'mismatch' }): IdempotencyError {
  return outcome.state === 'in_flight'
    ? new IdempotencyError(409, 'a request with this Idempotency-Key is still being processed; retry later', 'idempotency_in_flight')
    : new IdempotencyError(422, 'this Idempotency-Key was already used with a different request', 'idempotency_key_reused');
}

/**
 * The request's fingerprint: method, path and body with object keys sorted (their order does not matter). The
 * database hashes it (sha256) when it stores or compares it.
 */
export function hashRequest(method: string, path: string, body: unknown): string {
  return \`\${method.toUpperCase()} \${path}\\n\${body === undefined ? '' : JSON.stringify(body, (_key, value: unknown) => sortedKeys(value))}\`;
}

function sortedKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}
`;
}

/** How the relay opens a transaction on each stack: the type it is given, and the code that runs `work` in one. */
function relayTransaction(stack: ScaffoldStack, n: ScaffoldNames): { declaration: string; param: string; open: string } {
  switch (stack) {
    case 'node-postgres':
      return {
        declaration: `/** A node-postgres Pool: the relay checks a client out for each batch. */
export interface RelayPool {
  connect(): Promise<RelayHandle & { release(): void }>;
}
interface RelayHandle {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}`,
        param: 'pool: RelayPool',
        open: `const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const rows = async <R>(sql: string, values: unknown[]) => (await client.query(sql, values)).rows as R[];
    const result = await work(rows);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }`,
      };
    case 'session':
      return {
        declaration: `/** Opens a DB session: its SQL runs in one transaction until \`${n.commitCall}\` or \`rollback\`. */
export type RelaySessions = () => Promise<{
  ${n.executeCall}(sql: string, params?: readonly unknown[]): Promise<{ rows: unknown[] }>;
  ${n.commitCall}(): Promise<void>;
  rollback(): Promise<void>;
}>;`,
        param: 'openSession: RelaySessions',
        open: `const session = await openSession();
  try {
    const rows = async <R>(sql: string, values: unknown[]) => (await session.${n.executeCall}(sql, values)).rows as R[];
    const result = await work(rows);
    await session.${n.commitCall}();
    return result;
  } catch (error) {
    await session.rollback();
    throw error;
  }`,
      };
    case 'prisma':
      return {
        declaration: `/** The PrismaClient: each batch runs in \`$transaction(async (tx) => …)\`. */
export interface RelayPrisma {
  $transaction<T>(work: (tx: { $queryRawUnsafe<R = unknown>(query: string, ...values: any[]): PromiseLike<R> }) => Promise<T>): Promise<T>;
}`,
        param: 'prisma: RelayPrisma',
        open: `return prisma.$transaction((tx) => work(async <R>(sql: string, values: unknown[]) => await tx.$queryRawUnsafe<R[]>(sql, ...values)));`,
      };
    case 'typeorm':
      return {
        declaration: `/** The DataSource: each batch runs in \`transaction(async (manager) => …)\`. */
export interface RelayDataSource {
  transaction<T>(work: (manager: { query(query: string, parameters?: any[]): Promise<any> }) => Promise<T>): Promise<T>;
}`,
        param: 'dataSource: RelayDataSource',
        open: `return dataSource.transaction((manager) =>
    work(async <R>(sql: string, values: unknown[]) => {
      const result: unknown = await manager.query(sql, values);
      return (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result) as R[];
    }),
  );`,
      };
  }
}

export function relay(stack: ScaffoldStack, n: ScaffoldNames): string {
  const tx = relayTransaction(stack, n);
  const source = tx.param.split(':')[0]!;
  return `${HEADER}

/** A committed event, as the relay hands it to \`publish\`. */
export interface OutboxMessage {
  id: string;
  eventId: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  organizationId: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
}

/** Publishes one event to the broker, the queue or the webhooks; a rejection leaves the batch for the next poll. */
export type Publish = (message: OutboxMessage) => Promise<void>;

${tx.declaration}

type Rows = <R>(sql: string, values: unknown[]) => Promise<R[]>;

async function inTransaction<T>(${tx.param}, work: (rows: Rows) => Promise<T>): Promise<T> {
  ${tx.open}
}

/**
 * Publishes up to \`batchSize\` unpublished events, oldest first, and marks them published, in one transaction: the
 * rows are locked (\`FOR UPDATE SKIP LOCKED\`), so relays running side by side never take the same event. Delivery is
 * at least once: a publish that fails rolls the batch back, and the events published before it in the batch go out
 * again on the next poll, so consumers deduplicate on \`eventId\`. Returns how many were published.
 */
export async function relayOutboxBatch(${tx.param}, publish: Publish, batchSize = 100): Promise<number> {
  return inTransaction(${source}, async (rows) => {
    const claimed = await rows<{ id: string; event_id: string; event_type: string; aggregate_type: string; aggregate_id: string; organization_id: string | null; payload: Record<string, unknown>; created_at: string }>(
      \`SELECT id::text AS id, event_id::text AS event_id, event_type, aggregate_type, aggregate_id, organization_id, payload,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at
       FROM ${n.outboxTable} WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED\`,
      [batchSize],
    );
    for (const row of claimed) {
      await publish({
        id: row.id,
        eventId: row.event_id,
        eventType: row.event_type,
        aggregateType: row.aggregate_type,
        aggregateId: row.aggregate_id,
        organizationId: row.organization_id,
        payload: row.payload,
        createdAt: row.created_at,
      });
    }
    if (claimed.length > 0) {
      await rows('UPDATE ${n.outboxTable} SET published_at = now() WHERE id = ANY($1::bigint[]) RETURNING id', [claimed.map((row) => row.id)]);
    }
    return claimed.length;
  });
}

export interface OutboxRelayOptions {
  /** Pause after a poll that found nothing (ms). */
  idleMs?: number;
  batchSize?: number;
  /** Errors of a poll (database unreachable, a publish that failed); the relay keeps polling. */
  onError?: (error: unknown) => void;
}

/** Timers without depending on Node's or the DOM's typings. */
const timers = globalThis as unknown as { setTimeout(run: () => void, ms: number): unknown };

/**
 * The relay's entry point: polls until \`stop()\`, publishing committed events in order. Start one beside the app
 * (or as its own process) with the app's ${source} and a publish function.
 */
export function startOutboxRelay(${tx.param}, publish: Publish, options: OutboxRelayOptions = {}): { stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    wake = resolve;
    timers.setTimeout(resolve, ms);
  });
  const loop = (async () => {
    while (!stopped) {
      let published = 0;
      try {
        published = await relayOutboxBatch(${source}, publish, options.batchSize ?? 100);
      } catch (error) {
        options.onError?.(error);
      }
      if (published === 0 && !stopped) await sleep(options.idleMs ?? 500);
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
`;
}
