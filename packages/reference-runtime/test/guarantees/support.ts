import type { Connection, Database, QueryResult, Row } from '../../src/db/database.js';
import { DbSession } from '../../src/db/session.js';
import { OutboxRepository } from '../../src/core/outbox/outbox.repository.js';
import { OutboxRelay } from '../../src/core/outbox/relay.js';
import { PATIENCE_MS, waitFor } from '../support/servers.js';

export interface EventSpec {
  aggregateId: string;
  aggregateType?: string;
  eventType?: string;
  payload?: Record<string, unknown>;
}

/** Commits events the way a service does: OutboxRepository.addEvent on a request session, then commit. */
export async function commitEvents(database: Database, events: readonly EventSpec[]): Promise<string[]> {
  const session = new DbSession(database);
  try {
    const outbox = new OutboxRepository(session);
    const ids: string[] = [];
    for (const event of events) {
      ids.push(
        await outbox.addEvent({
          eventType: event.eventType ?? 'guarantee.happened',
          aggregateType: event.aggregateType ?? 'guarantee',
          aggregateId: event.aggregateId,
          organizationId: 'org-g',
          payload: event.payload ?? {},
        }),
      );
    }
    await session.commit();
    return ids;
  } finally {
    await session.close();
  }
}

export const resetOutbox = (database: Database) =>
  database.exec('DELETE FROM outbox; DELETE FROM outbox_dead_letter; DELETE FROM outbox_attempts;');

export const pendingCount = async (database: Database): Promise<number> =>
  Number((await database.query<{ n: string }>("SELECT count(*)::text AS n FROM outbox WHERE status = 'pending'")).rows[0]!.n);

/**
 * Runs `relay.runOnce()` until no row is pending (at most `rounds` rounds and `timeoutMs`): a bounded drain that fails
 * loudly instead of hanging.
 */
export async function drain(
  database: Database,
  relay: OutboxRelay,
  { rounds = 2000, timeoutMs = PATIENCE_MS, pauseMs = 5 }: { rounds?: number; timeoutMs?: number; pauseMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; round < rounds && Date.now() < deadline; round++) {
    const { claimed } = await relay.runOnce();
    if (claimed === 0) {
      if ((await pendingCount(database)) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
  throw new Error(`the outbox did not drain in ${rounds} rounds / ${timeoutMs} ms (${await pendingCount(database)} pending)`);
}

/**
 * A Database that lets a test fail chosen statements of the code using it (not the test's own reads): `failWhen`
 * sees each statement of `query` and of connections from `acquire`, and throws what it returns.
 */
export function interceptedDatabase(database: Database, failWhen: (sql: string) => Error | undefined): Database {
  const check = (sql: string) => {
    const error = failWhen(sql);
    if (error) throw error;
  };
  return {
    kind: database.kind,
    acquire: async (): Promise<Connection> => {
      const connection = await database.acquire();
      return {
        query: async <R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
          check(sql);
          return connection.query<R>(sql, params);
        },
        release: () => connection.release(),
      };
    },
    query: async <R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
      check(sql);
      return database.query<R>(sql, params);
    },
    exec: (sql: string) => database.exec(sql),
    close: () => database.close(),
  };
}

/** True when `sql` is the relay's mark-sent statement. */
export const isMarkSent = (sql: string): boolean => /SET status = 'sent'/.test(sql);

/** Asserts, per aggregate, that the first delivery of each event follows the order of `order` (event id → position). */
export function outOfOrder(deliveries: readonly { eventId: string; aggregateId: string }[], order: Map<string, number>): string[] {
  const seen = new Set<string>();
  const last = new Map<string, number>();
  const problems: string[] = [];
  for (const { eventId, aggregateId } of deliveries) {
    if (seen.has(eventId)) continue;
    seen.add(eventId);
    const position = order.get(eventId);
    if (position === undefined) {
      problems.push(`${eventId} was never committed`);
      continue;
    }
    if (position < (last.get(aggregateId) ?? -1)) problems.push(`${aggregateId}: event #${position} after #${last.get(aggregateId)}`);
    last.set(aggregateId, position);
  }
  return problems;
}

/**
 * Holds each relay's first publish until every one of `relays` is inside one, so that they all hold a batch at the
 * same moment. Which relay claims what is up to the scheduler; without this, on a busy machine one relay may drain
 * everything before another claims at all, and the test would prove nothing about relays claiming side by side.
 */
export function meetingPoint(relays: readonly string[]): (relay: string) => Promise<void> {
  const arrived = new Set<string>();
  return async (relay) => {
    if (arrived.has(relay)) return;
    arrived.add(relay);
    await waitFor(() => arrived.size === relays.length, `every relay (${relays.join(', ')}) to hold a batch at once`);
  };
}
