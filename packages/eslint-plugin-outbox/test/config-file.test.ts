import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('settingsFromConfigFile', () => {
  it('gives the plugin the same settings the audit reads', async () => {
    const { settingsFromConfigFile } = await import('../src/index.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'outbox-config-'));
    const file = path.join(dir, 'outbox.config.json');
    writeFileSync(file, JSON.stringify({ dbHandles: ['tx'], checklist: { riskEngineClass: 'CreditEngine' } }));
    expect(settingsFromConfigFile(file)).toEqual({ dbHandles: ['tx'], checklist: { riskEngineClass: 'CreditEngine' } });
    writeFileSync(file, JSON.stringify({ dbHandle: ['tx'] }));
    expect(() => settingsFromConfigFile(file)).toThrow(/dbHandle: unknown key \(did you mean "dbHandles"\?\)/);
  });
});
