/**
 * Synthetic backends in the reference runtime's style, for the benchmarks and the sharding test.
 *
 *   npx tsx bench/generate.ts <dir> [--files 2000] [--layout dense|sparse] [--violations 0.5] [--seed 1]
 *
 * A tree is made of modules under src/modules/. A module with a service layer has a router (reads, and the
 * `request.db.commit()` its legacy operations leave to it) and one or two service files: classes holding `this.db`,
 * an outbox repository, Redis or an idempotency store, public operations in several shapes (the seed's Redis
 * GET/SETEX, an idempotency store, same-class write helpers, branches, loops, events before and after the commit),
 * reads, private helpers and static members. A legacy module has no service layer: CRUD handlers that run their SQL
 * on `request.db` and commit it. Both layouts also hold the two platform files the modules import (the outbox
 * repository and the idempotency store, as in the runtime's src/core). `dense`: every other file is a router or a
 * service. `sparse`: backend files are a tenth of the tree and the rest is ordinary application code that mentions
 * no DB handle.
 *
 * Every generated operation is compliant or not by construction, so the generator knows the counts the audit must
 * find; it writes them to `expected.json` beside the tree (not inside it).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Layout = 'dense' | 'sparse';

export interface GenerateOptions {
  /** Files in the tree (a few more when the last module does not fit exactly). */
  files: number;
  layout: Layout;
  /** Share of service operations generated with a gap (0..1); legacy router modules come on top at this rate / 5. */
  violations: number;
  seed?: number;
}

/** What the audit of the tree must report. */
export interface ExpectedCounts {
  files: number;
  /** Files that are routers or services. */
  backendFiles: number;
  bytes: number;
  operations: number;
  compliant: number;
  routerCommits: number;
  routerExecutes: number;
  /** Per flag: operations with the flag false. */
  missing: { outbox: number; idempotency: number; event: number; commit: number };
}

/** A small deterministic PRNG (mulberry32): the same options give the same tree, byte for byte. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENTITIES = [
  'contract', 'invoice', 'shipment', 'warehouse', 'lot', 'bargain', 'broker', 'quota', 'tender', 'voucher', 'ledger',
  'payment', 'dispatch', 'inspection', 'grade', 'sample', 'permit', 'vessel', 'berth', 'rake', 'truck', 'silo',
  'auction', 'bid', 'offer', 'claim', 'refund', 'rebate', 'margin', 'hedge',
];
const VERBS = ['create', 'update', 'approve', 'reject', 'archive', 'restore', 'assign', 'close', 'reopen', 'transfer', 'settle', 'verify'];
const STATUSES = ['draft', 'active', 'approved', 'rejected', 'closed', 'archived'];

const pastTense = (verb: string): string => (verb.endsWith('y') ? `${verb.slice(0, -1)}ied` : verb.endsWith('e') ? `${verb}d` : `${verb}ed`);
const pascal = (s: string): string => s.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
const plural = (s: string): string => (s.endsWith('y') ? `${s.slice(0, -1)}ies` : s.endsWith('s') || s.endsWith('h') ? `${s}es` : `${s}s`);

/** The shapes an operation can take; the first three are compliant, the rest each miss the flags listed. */
type OperationShape =
  | 'redis-seed' // the seed's GET → write → event → COMMIT → SETEX
  | 'store-branches' // idempotency store, a write on each branch, one event after them, commit
  | 'store-helper-loop' // store claim, writes through a same-class helper in a loop, event, commit
  | 'router-commit' // write only: no key, no event, the router commits (idempotency, event, commit missing)
  | 'event-after-commit' // key checked, write, commit, then the event (event missing)
  | 'event-one-branch' // key checked, the event on one branch only (event missing)
  | 'late-check'; // writes, then the Redis check (idempotency missing)

const COMPLIANT_SHAPES: OperationShape[] = ['redis-seed', 'store-branches', 'store-helper-loop'];
const GAP_SHAPES: OperationShape[] = ['router-commit', 'event-after-commit', 'event-one-branch', 'late-check'];
const GAPS: Record<OperationShape, Array<keyof ExpectedCounts['missing']>> = {
  'redis-seed': [],
  'store-branches': [],
  'store-helper-loop': [],
  'router-commit': ['idempotency', 'event', 'commit'],
  'event-after-commit': ['event'],
  'event-one-branch': ['event'],
  'late-check': ['idempotency'],
};

interface Entity {
  name: string; // contract
  type: string; // Contract
  table: string; // contracts_12
  columns: string; // CONTRACT_COLUMNS
}

function entityOf(base: string, index: number): Entity {
  const name = base;
  return { name, type: pascal(name), table: `${plural(name)}_${index}`, columns: `${name.toUpperCase()}_COLUMNS` };
}

function operationSource(shape: OperationShape, method: string, e: Entity, action: string, asProperty: boolean): string {
  const head = (params: string, ret: string) =>
    asProperty ? `  readonly ${method} = async (${params}): Promise<${ret}> => {` : `  async ${method}(${params}): Promise<${ret}> {`;
  const tail = asProperty ? '  };' : '  }';
  const event = (indent: string) => `${indent}await this.outboxRepo.addEvent({
${indent}  eventType: '${e.name}.${action}',
${indent}  aggregateType: '${e.name}',
${indent}  aggregateId: ${e.name}Id,
${indent}  organizationId: current.organizationId,
${indent}  payload: { ${e.name}Id, status: '${action}', actorId },
${indent}});`;
  switch (shape) {
    case 'redis-seed':
      return `${head(`${e.name}Id: string, actorId: string | null, idempotencyKey?: string`, `${e.type}Decision`)}
    if (idempotencyKey && this.redis) {
      const cached = await this.redis.get(\`idempotency:\${idempotencyKey}\`);
      if (cached) return JSON.parse(cached) as ${e.type}Decision;
    }

    const current = await this.loadForUpdate(${e.name}Id);
    if (current.status === 'archived') throw conflict(\`${e.name} \${${e.name}Id} is archived\`);
    const { rows } = await this.db.execute<{ updatedAt: Date }>(
      \`UPDATE ${e.table} SET status = '${action}', reviewed_by = $2, updated_at = now()
       WHERE id = $1 RETURNING updated_at AS "updatedAt"\`,
      [${e.name}Id, actorId],
    );
    await this.recordHistory(${e.name}Id, '${action}', actorId);
    const result: ${e.type}Decision = { ${e.name}Id, status: '${action}', actorId, at: rows[0]!.updatedAt.toISOString() };

${event('    ')}
    await this.db.commit();

    if (idempotencyKey && this.redis) {
      await this.redis.setex(\`idempotency:\${idempotencyKey}\`, 86400, JSON.stringify(result));
    }
    return result;
${tail}`;
    case 'store-branches':
      return `${head(`${e.name}Id: string, changes: ${e.type}Changes, actorId: string | null, idempotencyKey: string`, e.type)}
    const claim = await this.idempotency.begin('${e.name}.${action}', idempotencyKey, changes);
    if (claim.state !== 'claimed') return claim.response as ${e.type};
    const current = await this.loadForUpdate(${e.name}Id);
    let row: ${e.type} | undefined;
    if (changes.amount !== undefined && changes.amount !== current.amount) {
      const { rows } = await this.db.execute<${e.type}>(
        \`UPDATE ${e.table} SET amount = $2, notes = coalesce($3, notes), updated_at = now() WHERE id = $1
         RETURNING \${${e.columns}}\`,
        [${e.name}Id, changes.amount, changes.notes ?? null],
      );
      row = rows[0];
    } else {
      const { rows } = await this.db.execute<${e.type}>(
        \`UPDATE ${e.table} SET notes = $2, updated_at = now() WHERE id = $1 RETURNING \${${e.columns}}\`,
        [${e.name}Id, changes.notes ?? current.notes],
      );
      row = rows[0];
    }
    if (!row) throw notFound('${e.name}', ${e.name}Id);
${event('    ')}
    await this.db.commit();
    return row;
${tail}`;
    case 'store-helper-loop':
      return `${head(`${e.name}Id: string, lines: ${e.type}Line[], actorId: string | null, idempotencyKey: string`, 'number')}
    const claim = await this.idempotency.claim('${e.name}.${action}', idempotencyKey, lines);
    if (!claim.fresh) return lines.length;
    const current = await this.loadForUpdate(${e.name}Id);
    if (lines.length === 0) throw badRequest('lines: at least one line is required');
    let total = 0;
    for (const line of lines) {
      if (line.quantity <= 0) continue;
      await this.insertLine(${e.name}Id, line);
      total += line.quantity * line.rate;
    }
    switch (current.status) {
      case 'draft':
        await this.recordHistory(${e.name}Id, '${action}', actorId);
        break;
      default:
        await this.recordHistory(${e.name}Id, '${action}-late', actorId);
    }
${event('    ')}
    await this.db.commit();
    return total;
${tail}`;
    case 'router-commit':
      return `${head(`input: New${e.type}`, e.type)}
    if (!input.organizationId) throw badRequest('organizationId is required');
    const { rows } = await this.db.execute<${e.type}>(
      \`INSERT INTO ${e.table} (organization_id, amount, notes, status)
       VALUES ($1, $2, $3, 'draft') RETURNING \${${e.columns}}\`,
      [input.organizationId, input.amount, input.notes ?? null],
    );
    return rows[0]!;
${tail}`;
    case 'event-after-commit':
      return `${head(`${e.name}Id: string, actorId: string | null, idempotencyKey: string`, 'void')}
    const claim = await this.idempotency.begin('${e.name}.${action}', idempotencyKey, { ${e.name}Id });
    if (claim.state !== 'claimed') return;
    const current = await this.loadForUpdate(${e.name}Id);
    await this.db.execute(\`UPDATE ${e.table} SET status = '${action}', updated_at = now() WHERE id = $1\`, [${e.name}Id]);
    await this.db.commit();
    // Announced once the row is safe: a crash right here loses the event.
${event('    ')}
${tail}`;
    case 'event-one-branch':
      return `${head(`${e.name}Id: string, actorId: string | null, notify: boolean, idempotencyKey: string`, 'void')}
    const claim = await this.idempotency.check('${e.name}.${action}', idempotencyKey);
    if (!claim) return;
    const current = await this.loadForUpdate(${e.name}Id);
    if (notify) {
      await this.db.execute(\`UPDATE ${e.table} SET status = '${action}', notified = true WHERE id = $1\`, [${e.name}Id]);
${event('      ')}
    } else {
      await this.db.execute(\`UPDATE ${e.table} SET status = '${action}' WHERE id = $1\`, [${e.name}Id]);
    }
    await this.db.commit();
${tail}`;
    case 'late-check':
      return `${head(`${e.name}Id: string, actorId: string | null, idempotencyKey?: string`, 'void')}
    const current = await this.loadForUpdate(${e.name}Id);
    await this.db.execute(\`DELETE FROM ${e.table}_holds WHERE ${e.name}_id = $1\`, [${e.name}Id]);
    if (idempotencyKey && this.redis) {
      const cached = await this.redis.get(\`idempotency:\${idempotencyKey}\`);
      if (cached) return;
    }
${event('    ')}
    await this.db.commit();
${tail}`;
  }
}

interface ServiceFile {
  text: string;
  operations: number;
  compliant: number;
  missing: ExpectedCounts['missing'];
  /** Operations whose commit is left to the router: the router commits after calling them. */
  routerCommitted: string[];
  className: string;
}

function emptyMissing(): ExpectedCounts['missing'] {
  return { outbox: 0, idempotency: 0, event: 0, commit: 0 };
}

/** A service file: one class with an outbox repository, and (sometimes) a legacy class in the same file without one. */
function serviceFile(e: Entity, random: () => number, violations: number, withLegacyClass: boolean): ServiceFile {
  const className = `${e.type}Service`;
  const missing = emptyMissing();
  const routerCommitted: string[] = [];
  const count = 3 + Math.floor(random() * 5);
  const verbs = [...VERBS].sort(() => random() - 0.5).slice(0, count);
  let compliant = 0;
  const methods = verbs.map((verb, i) => {
    const gap = random() < violations;
    const shape = gap ? GAP_SHAPES[Math.floor(random() * GAP_SHAPES.length)]! : COMPLIANT_SHAPES[Math.floor(random() * COMPLIANT_SHAPES.length)]!;
    for (const flag of GAPS[shape]) missing[flag]++;
    if (GAPS[shape].length === 0) compliant++;
    const method = `${verb}${e.type}`;
    if (shape === 'router-commit') routerCommitted.push(method);
    return operationSource(shape, method, e, pastTense(verb), i === 1 && random() < 0.3);
  });
  let operations = count;
  let legacy = '';
  if (withLegacyClass) {
    // Written before the outbox existed: commits itself, but no outbox, no key, no event.
    const n = 1 + Math.floor(random() * 2);
    operations += n;
    missing.outbox += n;
    missing.idempotency += n;
    missing.event += n;
    legacy = `

/** Free-text remarks on a ${e.name}; kept apart from the workflow above, so it never grew the outbox. */
export class ${e.type}RemarkService {
  constructor(private readonly db: DbSession) {}

  async listRemarks(${e.name}Id: string): Promise<{ id: string; body: string }[]> {
    const { rows } = await this.db.execute<{ id: string; body: string }>(
      \`SELECT id, body FROM ${e.table}_remarks WHERE ${e.name}_id = $1 ORDER BY created_at\`,
      [${e.name}Id],
    );
    return rows;
  }
${Array.from({ length: n }, (_, i) => `
  async ${i === 0 ? 'addRemark' : 'removeRemark'}(${e.name}Id: string, body: string): Promise<void> {
    const trimmed = body.trim();
    if (trimmed.length === 0) throw badRequest('body: a remark cannot be empty');
    await this.db.execute(
      ${i === 0 ? `\`INSERT INTO ${e.table}_remarks (${e.name}_id, body) VALUES ($1, $2)\`` : `\`DELETE FROM ${e.table}_remarks WHERE ${e.name}_id = $1 AND body = $2\``},
      [${e.name}Id, trimmed],
    );
    await this.db.commit();
  }
`).join('')}}`;
  }
  const text = `import type { DbSession } from '../../db/session.js';
import type { RedisClient } from '../../core/redis/client.js';
import type { IdempotencyStore } from '../../core/idempotency/idempotency-store.js';
import { OutboxRepository } from '../../core/outbox/outbox.repository.js';
import { badRequest, conflict, notFound } from '../../core/http/errors.js';

export type ${e.type}Status = ${STATUSES.map((s) => `'${s}'`).join(' | ')};

export interface ${e.type} {
  id: string;
  organizationId: string;
  status: ${e.type}Status;
  amount: number;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface New${e.type} {
  organizationId: string;
  amount: number;
  notes?: string | null;
}

export type ${e.type}Changes = Partial<Pick<${e.type}, 'amount' | 'notes'>>;

export interface ${e.type}Line {
  sku: string;
  quantity: number;
  rate: number;
}

/** The outcome of a review, as returned to the desk and cached under the request's idempotency key. */
export interface ${e.type}Decision {
  ${e.name}Id: string;
  status: string;
  actorId: string | null;
  at: string;
}

export interface ${e.type}Filter {
  status?: ${e.type}Status;
  organizationId?: string;
  limit: number;
  offset: number;
}

const ${e.columns} = \`id, organization_id AS "organizationId", status, amount, notes, created_at AS "createdAt",
  updated_at AS "updatedAt"\`;

/** Rounds to the paisa, so two amounts compare equal exactly when the stored rows would. */
function roundAmount(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/**
 * ${pascal(plural(e.name))}. The review actions follow the platform's outbox pattern; the older edits leave the commit to
 * the router.
 */
export class ${className} {
  private readonly outboxRepo: OutboxRepository;

  constructor(
    private readonly db: DbSession,
    private readonly idempotency: IdempotencyStore,
    private readonly redis?: RedisClient,
  ) {
    this.outboxRepo = new OutboxRepository(db);
  }

  static describe(row: ${e.type}): string {
    return \`${e.name} \${row.id} (\${row.status}, \${roundAmount(row.amount)})\`;
  }

  async list${pascal(plural(e.name))}(filter: ${e.type}Filter): Promise<${e.type}[]> {
    const { rows } = await this.db.execute<${e.type}>(
      \`SELECT \${${e.columns}} FROM ${e.table}
       WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR organization_id = $2)
       ORDER BY created_at DESC, id LIMIT $3 OFFSET $4\`,
      [filter.status ?? null, filter.organizationId ?? null, filter.limit, filter.offset],
    );
    return rows;
  }

  async get${e.type}(${e.name}Id: string): Promise<${e.type}> {
    const { rows } = await this.db.execute<${e.type}>(\`SELECT \${${e.columns}} FROM ${e.table} WHERE id = $1\`, [${e.name}Id]);
    if (!rows[0]) throw notFound('${e.name}', ${e.name}Id);
    return rows[0];
  }

${methods.join('\n\n')}

  private async loadForUpdate(${e.name}Id: string): Promise<${e.type}> {
    const { rows } = await this.db.execute<${e.type}>(\`SELECT \${${e.columns}} FROM ${e.table} WHERE id = $1 FOR UPDATE\`, [${e.name}Id]);
    if (!rows[0]) throw notFound('${e.name}', ${e.name}Id);
    return rows[0];
  }

  private async recordHistory(${e.name}Id: string, action: string, actorId: string | null): Promise<void> {
    await this.db.execute(
      \`INSERT INTO ${e.table}_history (${e.name}_id, action, actor_id) VALUES ($1, $2, $3)\`,
      [${e.name}Id, action, actorId],
    );
  }

  private async insertLine(${e.name}Id: string, line: ${e.type}Line): Promise<void> {
    await this.db.execute(
      \`INSERT INTO ${e.table}_lines (${e.name}_id, sku, quantity, rate) VALUES ($1, $2, $3, $4)\`,
      [${e.name}Id, line.sku, line.quantity, roundAmount(line.rate)],
    );
  }
}${legacy}
`;
  return { text, operations, compliant, missing, routerCommitted, className };
}

interface RouterFile {
  text: string;
  commits: number;
  executes: number;
  operations: number;
  missing: ExpectedCounts['missing'];
}

/** The router of a module with a service layer: reads on request.db, and the commits its legacy operations need. */
function serviceRouter(e: Entity, services: ServiceFile[]): RouterFile {
  let commits = 0;
  let executes = 0;
  const base = `/${plural(e.name)}`;
  const handlers: string[] = [];
  const service = services[0]!;
  handlers.push(`  app.get<{ Querystring: { status?: string; limit?: number; offset?: number } }>('${base}', async (request) => {
    const q = request.query;
    return new ${service.className}(request.db, deps.idempotency, deps.redis).list${pascal(plural(e.name))}({
      status: q.status as never,
      limit: Math.min(q.limit ?? 50, 200),
      offset: q.offset ?? 0,
    });
  });`);
  executes++;
  handlers.push(`  app.get<{ Params: { id: string } }>('${base}/:id/summary', async (request) => {
    // A report the desk asked for; never moved into the service.
    const { rows } = await request.db.execute(
      \`SELECT status, count(*)::int AS n, sum(amount) AS total FROM ${e.table} WHERE organization_id = $1 GROUP BY status\`,
      [request.params.id],
    );
    return rows;
  });`);
  for (const s of services) {
    for (const method of s.routerCommitted) {
      commits++;
      handlers.push(`  app.post<{ Body: New${e.type} }>('${base}/${method.toLowerCase()}', async (request, reply) => {
    const row = await new ${s.className}(request.db, deps.idempotency, deps.redis).${method}(request.body);
    await request.db.commit();
    return reply.code(201).send(row);
  });`);
    }
  }
  const text = `import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
${services.map((s, i) => `import { ${s.className} } from './${i === 0 ? `${e.name}.service.js` : `${e.name}-review.service.js`}';`).join('\n')}

export function register${pascal(plural(e.name))}Routes(app: FastifyInstance, deps: AppDeps): void {
${handlers.join('\n\n')}
}
`;
  return { text, commits, executes, operations: 0, missing: emptyMissing() };
}

/** A module with no service layer: CRUD in the router on request.db (the seed's organisation, commodity, locations). */
function legacyRouter(e: Entity, random: () => number): RouterFile {
  const base = `/${plural(e.name)}`;
  let commits = 0;
  let executes = 0;
  let operations = 0;
  const handlers: string[] = [];
  executes++;
  handlers.push(`  app.get<{ Querystring: { limit?: number } }>('${base}', async (request) => {
    const { rows } = await request.db.execute(\`SELECT * FROM ${e.table} ORDER BY created_at DESC LIMIT $1\`, [request.query.limit ?? 50]);
    return rows;
  });`);
  operations++;
  executes++;
  commits++;
  handlers.push(`  app.post<{ Body: { organizationId: string; amount: number; notes?: string } }>('${base}', async (request, reply) => {
    const b = request.body;
    if (b.amount < 0) throw new HttpError(400, 'amount: must not be negative');
    const { rows } = await request.db.execute(
      \`INSERT INTO ${e.table} (organization_id, amount, notes, status) VALUES ($1, $2, $3, 'draft') RETURNING *\`,
      [b.organizationId, b.amount, b.notes ?? null],
    );
    await request.db.commit();
    return reply.code(201).send(rows[0]);
  });`);
  operations++;
  executes += 2;
  commits++;
  handlers.push(`  app.patch<{ Params: { id: string }; Body: { amount?: number; notes?: string } }>('${base}/:id', async (request) => {
    const { rows: found } = await request.db.execute(\`SELECT id FROM ${e.table} WHERE id = $1\`, [request.params.id]);
    if (found.length === 0) throw notFound('${e.name}', request.params.id);
    const { rows } = await request.db.execute(
      \`UPDATE ${e.table} SET amount = coalesce($2, amount), notes = coalesce($3, notes), updated_at = now() WHERE id = $1 RETURNING *\`,
      [request.params.id, request.body.amount ?? null, request.body.notes ?? null],
    );
    await request.db.commit();
    return rows[0];
  });`);
  if (random() < 0.7) {
    operations++;
    executes += 2;
    commits++;
    handlers.push(`  app.delete<{ Params: { id: string } }>('${base}/:id', async (request, reply) => {
    try {
      await request.db.execute(\`DELETE FROM ${e.table}_lines WHERE ${e.name}_id = $1\`, [request.params.id]);
      await request.db.execute(\`DELETE FROM ${e.table} WHERE id = $1\`, [request.params.id]);
    } catch (error) {
      await request.db.rollback();
      throw error;
    }
    await request.db.commit();
    return reply.code(204).send();
  });`);
  }
  const text = `import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.js';
import { HttpError, notFound } from '../../core/http/errors.js';

// ${pascal(plural(e.name))} master data. This module never grew a service layer: every handler runs its own SQL on
// request.db and commits it.

export function register${pascal(plural(e.name))}Routes(app: FastifyInstance, deps: AppDeps): void {
  void deps;
${handlers.join('\n\n')}
}
`;
  // A handler has no class, so no outbox repository, no key and no event; its commit is in the router, not a service.
  return { text, commits, executes, operations, missing: { outbox: operations, idempotency: operations, event: operations, commit: operations } };
}

const OUTBOX_REPOSITORY = `import type { DbSession } from '../../db/session.js';

export interface OutboxEvent {
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  organizationId?: string | null;
  payload: unknown;
}

/** Writes events into the outbox table inside the caller's transaction; the relay publishes them after the commit. */
export class OutboxRepository {
  constructor(private readonly db: DbSession) {}

  async addEvent(event: OutboxEvent): Promise<void> {
    await this.db.execute(
      'INSERT INTO outbox (event_type, aggregate_type, aggregate_id, organization_id, payload) VALUES ($1, $2, $3, $4, $5)',
      [event.eventType, event.aggregateType, event.aggregateId, event.organizationId ?? null, JSON.stringify(event.payload)],
    );
  }
}
`;

const IDEMPOTENCY_STORE = `import type { DbSession } from '../../db/session.js';

export type Claim = { state: 'claimed' } | { state: 'replay' | 'in-flight'; response: unknown };

/** Idempotency keys claimed in the same transaction as the business rows (unique key row, INSERT … ON CONFLICT). */
export class IdempotencyStore {
  constructor(private readonly db: DbSession) {}

  async begin(scope: string, key: string, request: unknown): Promise<Claim> {
    const { rows } = await this.db.execute<{ response: unknown; inserted: boolean }>(
      \`INSERT INTO idempotency_keys (scope, key, request) VALUES ($1, $2, $3)
       ON CONFLICT (scope, key) DO UPDATE SET scope = EXCLUDED.scope RETURNING response, (xmax = 0) AS inserted\`,
      [scope, key, JSON.stringify(request)],
    );
    return rows[0]!.inserted ? { state: 'claimed' } : { state: 'replay', response: rows[0]!.response };
  }

  async claim(scope: string, key: string, request: unknown): Promise<{ fresh: boolean }> {
    return { fresh: (await this.begin(scope, key, request)).state === 'claimed' };
  }

  async check(scope: string, key: string): Promise<boolean> {
    return (await this.begin(scope, key, null)).state === 'claimed';
  }
}
`;

const APP_TOPICS = ['pricing', 'layout', 'charts', 'forms', 'filters', 'calendar', 'format', 'i18n', 'toast', 'table', 'search', 'upload'];

/** Ordinary application code: no DB handle, no role, nothing the checklist looks for. */
function applicationFile(topic: string, index: number, random: () => number): string {
  const type = `${pascal(topic)}Model${index}`;
  const fields = 4 + Math.floor(random() * 6);
  const props = Array.from({ length: fields }, (_, i) => `  field${i}: ${i % 3 === 0 ? 'string' : i % 3 === 1 ? 'number' : 'boolean'};`).join('\n');
  const fns = Array.from({ length: 3 + Math.floor(random() * 4) }, (_, i) => `
/** Step ${i} of the ${topic} pipeline: pure, so the view can memoise it. */
export function ${topic}Step${i}(items: readonly ${type}[], threshold = ${i + 1}): ${type}[] {
  const out: ${type}[] = [];
  for (const item of items) {
    if (item.field1 > threshold && item.field0.length > 0) {
      out.push({ ...item, field1: Math.round(item.field1 * ${(1 + i / 10).toFixed(1)}) });
    } else if (item.field2) {
      out.push(item);
    }
  }
  return out.sort((a, b) => a.field1 - b.field1 || a.field0.localeCompare(b.field0));
}`).join('\n');
  return `// ${topic}: view-model helpers for the trading desk's screens.

export interface ${type} {
${props}
}

export const ${topic.toUpperCase()}_DEFAULTS_${index} = Object.freeze({ pageSize: ${10 + index % 40}, locale: 'en-IN', currency: 'INR' });

export class ${type}Store {
  private readonly items = new Map<string, ${type}>();
  private listeners: Array<(items: ${type}[]) => void> = [];

  upsert(item: ${type}): void {
    this.items.set(item.field0, item);
    this.emit();
  }

  remove(key: string): boolean {
    const removed = this.items.delete(key);
    if (removed) this.emit();
    return removed;
  }

  subscribe(listener: (items: ${type}[]) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private emit(): void {
    const snapshot = [...this.items.values()];
    for (const listener of this.listeners) listener(snapshot);
  }
}
${fns}

export function format${type}(item: ${type}): string {
  return new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR' }).format(item.field1) + (item.field2 ? ' ✓' : '');
}
`;
}

/** Writes the tree under `root` (emptied first) and returns the counts; also writes `<root>.expected.json`. */
export function generateBackend(root: string, options: GenerateOptions): ExpectedCounts {
  const random = prng(options.seed ?? 1);
  rmSync(root, { recursive: true, force: true });
  const expected: ExpectedCounts = {
    files: 0, backendFiles: 0, bytes: 0, operations: 0, compliant: 0, routerCommits: 0, routerExecutes: 0, missing: emptyMissing(),
  };
  const write = (rel: string, text: string) => {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    expected.files++;
    expected.bytes += Buffer.byteLength(text);
  };
  const addMissing = (m: ExpectedCounts['missing']) => {
    for (const k of Object.keys(m) as Array<keyof typeof m>) expected.missing[k] += m[k];
  };
  // The platform pieces every module imports (as in the reference runtime): neither routers nor services.
  write('src/core/outbox/outbox.repository.ts', OUTBOX_REPOSITORY);
  write('src/core/idempotency/idempotency-store.ts', IDEMPOTENCY_STORE);
  const backendTarget = options.layout === 'dense' ? options.files - expected.files : Math.max(2, Math.round(options.files / 10));
  for (let index = 1; expected.backendFiles < backendTarget; index++) {
    const e = entityOf(ENTITIES[(index - 1) % ENTITIES.length]!, index);
    const dir = `src/modules/${plural(e.name)}_${index}`;
    const legacy = options.violations > 0 && random() < options.violations / 5;
    if (legacy || backendTarget - expected.backendFiles < 2) {
      const r = legacyRouter(e, random);
      write(`${dir}/router.ts`, r.text);
      expected.backendFiles++;
      expected.operations += r.operations;
      expected.routerCommits += r.commits;
      expected.routerExecutes += r.executes;
      addMissing(r.missing);
      continue;
    }
    const withReview = backendTarget - expected.backendFiles >= 3 && random() < 0.4;
    const services = [serviceFile(e, random, options.violations, random() < options.violations)];
    if (withReview) services.push(serviceFile({ ...e, type: `${e.type}Review`, columns: `${e.name.toUpperCase()}_REVIEW_COLUMNS`, table: `${e.table}_reviews` }, random, options.violations, false));
    services.forEach((s, i) => {
      write(`${dir}/${i === 0 ? `${e.name}.service.ts` : `${e.name}-review.service.ts`}`, s.text);
      expected.backendFiles++;
      expected.operations += s.operations;
      expected.compliant += s.compliant;
      addMissing(s.missing);
    });
    const r = serviceRouter(e, services);
    write(`${dir}/router.ts`, r.text);
    expected.backendFiles++;
    expected.routerCommits += r.commits;
    expected.routerExecutes += r.executes;
  }
  for (let i = 0; expected.files < options.files; i++) {
    const topic = APP_TOPICS[i % APP_TOPICS.length]!;
    write(`src/app/${topic}/${topic}-${String(Math.floor(i / APP_TOPICS.length)).padStart(4, '0')}.ts`, applicationFile(topic, i, random));
  }
  writeFileSync(`${root}.expected.json`, JSON.stringify(expected, null, 2) + '\n');
  return expected;
}

function argValue(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const root = args[0];
  if (!root || root.startsWith('--')) {
    process.stderr.write('usage: tsx bench/generate.ts <dir> [--files 2000] [--layout dense|sparse] [--violations 0.5] [--seed 1]\n');
    process.exit(2);
  }
  const layout = (argValue(args, '--layout') ?? 'dense') as Layout;
  const expected = generateBackend(path.resolve(root), {
    files: Number(argValue(args, '--files') ?? 2000),
    layout,
    violations: Number(argValue(args, '--violations') ?? 0.5),
    seed: Number(argValue(args, '--seed') ?? 1),
  });
  process.stdout.write(`${JSON.stringify(expected)}\n`);
}
