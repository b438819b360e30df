import { describe, expect, it } from 'vitest';
import { nextMigrationName, scaffold, scaffoldNames } from '../../../src/transforms/scaffold/index.js';
import { resolveSettings } from 'outbox-analysis';
import { fixtureSuite } from '../../support/fixtures.js';

fixtureSuite(scaffold, new URL('./__testfixtures__/', import.meta.url));

describe('scaffold names and numbering', () => {
  it('names every class and table after the settings, never after the runtime', () => {
    expect(scaffoldNames(resolveSettings({}))).toMatchObject({ outboxClass: 'OutboxRepository', eventCall: 'addEvent', outboxTable: 'outbox', storeClass: 'IdempotencyStore', storeTable: 'idempotency_keys' });
    expect(scaffoldNames(resolveSettings({ outbox: { names: ['event-journal'], eventCalls: ['append'] }, idempotency: { storeNames: ['dedupStore'] } }))).toMatchObject({
      outboxClass: 'EventJournalRepository',
      eventCall: 'append',
      eventType: 'EventJournalEvent',
      outboxTable: 'event_journal',
      storeClass: 'DedupStore',
      storeTable: 'dedup_keys',
    });
  });

  it('continues the numbering of a migrations folder', () => {
    expect(nextMigrationName(['001_core.sql', '080_matching.sql', '007_webhooks.sql'], 'outbox')).toBe('081_outbox.sql');
    expect(nextMigrationName(['20240101120000-init.sql'], 'outbox')).toBe('20240101120001-outbox.sql');
    expect(nextMigrationName(['9_a.sql', '10_b.sql'], 'outbox')).toBe('11_outbox.sql');
    expect(nextMigrationName([], 'outbox')).toBe('001_outbox.sql');
    expect(nextMigrationName(['schema.sql'], 'outbox')).toBe('outbox.sql');
  });
});
