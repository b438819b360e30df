import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { BrokerHandler, BrokerMessage, EventBroker } from './broker.js';

export interface RedisStreamsBrokerOptions {
  /** redis://… ; or pass `client` to share a connection (it is then not closed by the broker). */
  url?: string;
  client?: Redis;
  stream?: string;
  /** Consumer group: the nodes of one deployment share it, so each message is handled by one of them. */
  group?: string;
  consumer?: string;
  /** Entries read per XREADGROUP. */
  batchSize?: number;
  /** How long one XREADGROUP waits for new entries; also bounds how quickly `close()` returns. */
  blockMs?: number;
  /** Approximate cap on the stream's length (XADD MAXLEN ~). */
  maxLength?: number;
  /** An entry read but not acknowledged for this long (failed handler, dead consumer) is claimed again. */
  claimIdleMs?: number;
  /** Deliveries of one entry before it is moved to `<stream>:dead` and acknowledged. */
  maxDeliveries?: number;
  onError?: (error: unknown, context: string) => void;
}

type StreamEntry = [id: string, fields: string[]];

/**
 * An {@link EventBroker} on a Redis stream. `publish` is an XADD; subscribers of one broker share a consumer in a
 * consumer group, read with XREADGROUP and acknowledge with XACK once every handler has succeeded. An entry whose
 * handlers failed stays pending and is claimed again (XPENDING + XCLAIM) after `claimIdleMs`, up to `maxDeliveries`.
 *
 * Entries enter the stream in the relay's order, and one consumer handles them one at a time in that order. Several
 * consumers of a group share the entries, so two events of one aggregate may then be handled on two nodes at once;
 * handlers that need strict per-aggregate order belong in a group with a single consumer.
 */
export class RedisStreamsBroker implements EventBroker {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  private readonly publisher: Redis;
  private readonly ownsPublisher: boolean;
  private reader: Redis | undefined;
  private readonly handlers = new Set<BrokerHandler>();
  private readonly batchSize: number;
  private readonly blockMs: number;
  private readonly maxLength: number;
  private readonly claimIdleMs: number;
  private readonly maxDeliveries: number;
  private readonly onError: (error: unknown, context: string) => void;
  private groupReady: Promise<void> | undefined;
  private loop: Promise<void> | undefined;
  private lastClaimCheck = 0;
  private closed = false;

  constructor(options: RedisStreamsBrokerOptions) {
    if (!options.client && !options.url) throw new Error('RedisStreamsBroker needs a url or a client');
    this.publisher = options.client ?? new Redis(options.url!, { maxRetriesPerRequest: 2 });
    this.ownsPublisher = !options.client;
    this.stream = options.stream ?? 'outbox:events';
    this.group = options.group ?? 'runtime';
    this.consumer = options.consumer ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.batchSize = options.batchSize ?? 20;
    this.blockMs = options.blockMs ?? 1000;
    this.maxLength = options.maxLength ?? 100_000;
    this.claimIdleMs = options.claimIdleMs ?? 30_000;
    this.maxDeliveries = options.maxDeliveries ?? 5;
    this.onError = options.onError ?? ((error, context) => console.error(`[broker] ${context}:`, error));
  }

  async publish(message: BrokerMessage): Promise<void> {
    if (this.closed) throw new Error('broker is closed');
    // The group must exist before the first entry, or a subscriber starting at '$' would never see that entry.
    await this.ensureGroup();
    await this.publisher.call(
      'XADD', this.stream, 'MAXLEN', '~', String(this.maxLength), '*',
      'eventId', message.eventId, 'eventType', message.eventType, 'message', JSON.stringify(message),
    );
  }

  subscribe(handler: BrokerHandler): () => void {
    if (this.closed) throw new Error('broker is closed');
    this.handlers.add(handler);
    this.startConsuming();
    return () => this.handlers.delete(handler);
  }

  /** Resolves once the consumer group exists; messages published from then on reach the subscribers. */
  async ready(): Promise<void> {
    await this.ensureGroup();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    // Disconnecting interrupts a blocked XREADGROUP, so close() does not wait out blockMs.
    this.reader?.disconnect();
    await this.loop;
    if (this.ownsPublisher) await this.publisher.quit().catch(() => this.publisher.disconnect());
  }

  private ensureGroup(): Promise<void> {
    this.groupReady ??= (async () => {
      try {
        await this.publisher.call('XGROUP', 'CREATE', this.stream, this.group, '$', 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) {
          this.groupReady = undefined;
          throw error;
        }
      }
    })();
    return this.groupReady;
  }

  private startConsuming(): void {
    if (this.loop || this.closed) return;
    this.loop = this.consume().finally(() => {
      this.loop = undefined;
      // A subscriber that arrived while the loop was winding down (its last handler had gone) restarts it.
      if (!this.closed && this.handlers.size > 0) this.startConsuming();
    });
  }

  private async consume(): Promise<void> {
    const reader = this.readerConnection();
    while (!this.closed && this.handlers.size > 0) {
      try {
        await this.ensureGroup();
        await this.reclaimStale();
        const reply = (await reader.call(
          'XREADGROUP', 'GROUP', this.group, this.consumer, 'COUNT', String(this.batchSize),
          'BLOCK', String(this.blockMs), 'STREAMS', this.stream, '>',
        )) as [string, StreamEntry[]][] | null;
        for (const [, entries] of reply ?? []) {
          for (const entry of entries) await this.handle(entry);
        }
      } catch (error) {
        if (this.closed) break;
        this.onError(error, 'reading the stream');
        // A lost connection or a deleted stream: wait a little instead of spinning on the same error.
        await new Promise((resolve) => setTimeout(resolve, Math.min(this.blockMs, 1000)));
        this.groupReady = undefined;
      }
    }
    if (this.closed && this.reader === reader) this.reader = undefined;
  }

  /** A blocking read holds its connection, so the reader gets one of its own. */
  private readerConnection(): Redis {
    if (!this.reader) {
      this.reader = this.publisher.duplicate();
      this.reader.on('error', (error) => !this.closed && this.onError(error, 'reader connection'));
    }
    return this.reader;
  }

  private async handle([id, fields]: StreamEntry): Promise<void> {
    const raw = field(fields, 'message');
    let message: BrokerMessage;
    try {
      message = JSON.parse(raw ?? '') as BrokerMessage;
    } catch (error) {
      // Unparseable entries can never succeed: park them rather than redeliver them forever.
      this.onError(error, `malformed entry ${id}`);
      await this.deadLetter(id, fields, 'malformed entry');
      return;
    }
    try {
      for (const handler of [...this.handlers]) await handler(message);
    } catch (error) {
      this.onError(error, `handling ${message.eventType} ${message.eventId}`);
      return; // stays pending; reclaimStale() retries it after claimIdleMs
    }
    await this.publisher.call('XACK', this.stream, this.group, id);
  }

  /** Retries entries that were read but never acknowledged, here or by a consumer that died. */
  private async reclaimStale(): Promise<void> {
    const now = Date.now();
    if (now - this.lastClaimCheck < Math.max(this.claimIdleMs / 2, 10)) return;
    this.lastClaimCheck = now;
    const pending = (await this.publisher.call(
      'XPENDING', this.stream, this.group, 'IDLE', String(this.claimIdleMs), '-', '+', String(this.batchSize),
    )) as [id: string, consumer: string, idleMs: number, deliveries: number][];
    for (const [id, , , deliveries] of pending) {
      if (this.closed) return;
      if (deliveries >= this.maxDeliveries) {
        const entries = (await this.publisher.call('XRANGE', this.stream, id, id)) as StreamEntry[];
        await this.deadLetter(id, entries[0]?.[1] ?? [], `not acknowledged after ${deliveries} deliveries`);
        continue;
      }
      // XCLAIM re-checks the idle time, so two nodes racing for the same entry do not both get it.
      const claimed = (await this.publisher.call(
        'XCLAIM', this.stream, this.group, this.consumer, String(this.claimIdleMs), id,
      )) as (StreamEntry | null)[];
      for (const entry of claimed) if (entry) await this.handle(entry);
    }
  }

  private async deadLetter(id: string, fields: string[], reason: string): Promise<void> {
    await this.publisher
      .multi()
      .call('XADD', `${this.stream}:dead`, '*', ...fields, 'originalId', id, 'reason', reason)
      .call('XACK', this.stream, this.group, id)
      .exec();
  }
}

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
