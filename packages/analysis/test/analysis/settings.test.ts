import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, resolveSettings } from '../../src/index.js';

describe('resolveSettings', () => {
  it('returns the defaults themselves when nothing is given', () => {
    expect(resolveSettings()).toBe(DEFAULT_SETTINGS);
  });

  it('replaces arrays instead of concatenating them', () => {
    const settings = resolveSettings({ dbHandles: ['conn'] });
    expect(settings.dbHandles).toEqual(['conn']);
    expect(settings.routerCalls).toEqual(DEFAULT_SETTINGS.routerCalls);
  });

  it('merges nested objects key by key', () => {
    const settings = resolveSettings({ idempotency: { redisKeyPrefix: 'idem:' }, outbox: { eventCalls: ['publish'] } });
    expect(settings.idempotency.redisKeyPrefix).toBe('idem:');
    expect(settings.idempotency.keyParams).toEqual(DEFAULT_SETTINGS.idempotency.keyParams);
    expect(settings.outbox).toEqual({ names: ['outbox'], eventCalls: ['publish'] });
  });

  it('keeps scalars that are set to false', () => {
    expect(resolveSettings({ unresolvedSqlIsWrite: false }).unresolvedSqlIsWrite).toBe(false);
  });

  it('merges the checklist section key by key over its defaults', () => {
    const { checklist } = resolveSettings({ checklist: { riskEngineClass: 'CreditEngine' } });
    expect(checklist.riskEngineClass).toBe('CreditEngine');
    expect(checklist.matchingEngineClass).toBe('MatchingEngine');
  });

  it('never changes the defaults', () => {
    resolveSettings({ dbHandles: ['conn'], outbox: { names: ['events'] } });
    expect(DEFAULT_SETTINGS.dbHandles).toEqual(['db', 'session']);
    expect(DEFAULT_SETTINGS.outbox.names).toEqual(['outbox']);
    expect(Object.isFrozen(DEFAULT_SETTINGS.dbHandles)).toBe(true);
  });
});
