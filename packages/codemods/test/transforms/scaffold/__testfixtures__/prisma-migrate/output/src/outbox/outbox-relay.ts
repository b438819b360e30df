// Written by outbox-codemod (scaffold). It is your code now: edit it as you like; a later run leaves it alone.

/** A committed event, as the relay hands it to `publish`. */
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

/** The PrismaClient: each batch runs in `$transaction(async (tx) => …)`. */
export interface RelayPrisma {
  $transaction<T>(work: (tx: { $queryRawUnsafe<R = unknown>(query: string, ...values: any[]): PromiseLike<R> }) => Promise<T>): Promise<T>;
}

type Rows = <R>(sql: string, values: unknown[]) => Promise<R[]>;

async function inTransaction<T>(prisma: RelayPrisma, work: (rows: Rows) => Promise<T>): Promise<T> {
  return prisma.$transaction((tx) => work(async <R>(sql: string, values: unknown[]) => await tx.$queryRawUnsafe<R[]>(sql, ...values)));
}

/**
 * Publishes up to `batchSize` unpublished events, oldest first, and marks them published, in one transaction: the
 * rows are locked (`FOR UPDATE SKIP LOCKED`), so relays running side by side never take the same event. Delivery is
 * at least once: a publish that fails rolls the batch back, and the events published before it in the batch go out
 * again on the next poll, so consumers deduplicate on `eventId`. Returns how many were published.
 */
export async function relayOutboxBatch(prisma: RelayPrisma, publish: Publish, batchSize = 100): Promise<number> {
  return inTransaction(prisma, async (rows) => {
    const claimed = await rows<{ id: string; event_id: string; event_type: string; aggregate_type: string; aggregate_id: string; organization_id: string | null; payload: Record<string, unknown>; created_at: string }>(
      `SELECT id::text AS id, event_id::text AS event_id, event_type, aggregate_type, aggregate_id, organization_id, payload,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at
       FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
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
      await rows('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[]) RETURNING id', [claimed.map((row) => row.id)]);
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
 * The relay's entry point: polls until `stop()`, publishing committed events in order. Start one beside the app
 * (or as its own process) with the app's prisma and a publish function.
 */
export function startOutboxRelay(prisma: RelayPrisma, publish: Publish, options: OutboxRelayOptions = {}): { stop(): Promise<void> } {
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
        published = await relayOutboxBatch(prisma, publish, options.batchSize ?? 100);
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
