import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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

describe('settingsFromConfigFile finds the file', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'outbox-config-up-'));
  mkdirSync(path.join(root, '.git'));
  mkdirSync(path.join(root, 'packages', 'api', 'src'), { recursive: true });
  writeFileSync(path.join(root, 'outbox.config.json'), JSON.stringify({ dbHandles: ['tx'] }));
  writeFileSync(path.join(root, 'eslint.config.js'), '');

  it('next to the ESLint config, whatever the working directory', async () => {
    const { settingsFromConfigFile } = await import('../src/index.js');
    const configUrl = pathToFileURL(path.join(root, 'eslint.config.js')).href;
    expect(settingsFromConfigFile('outbox.config.json', { from: configUrl })).toEqual({ dbHandles: ['tx'] });
    expect(settingsFromConfigFile(new URL('./outbox.config.json', configUrl))).toEqual({ dbHandles: ['tx'] });
  });

  it('upward from a subfolder, and not past the repository root', async () => {
    const { settingsFromConfigFile } = await import('../src/index.js');
    expect(settingsFromConfigFile('outbox.config.json', { from: path.join(root, 'packages', 'api', 'src') })).toEqual({ dbHandles: ['tx'] });
    const missing = () => settingsFromConfigFile('outbox.other.json', { from: path.join(root, 'packages', 'api', 'src') });
    expect(missing).toThrow(/outbox\.other\.json not found; looked in /);
    const message = (() => {
      try {
        missing();
      } catch (error) {
        return (error as Error).message;
      }
    })()!;
    expect(message).toContain(path.join(root, 'packages', 'api', 'src', 'outbox.other.json'));
    expect(message).toContain(path.join(root, 'outbox.other.json'));
    expect(message).not.toContain(path.join(path.dirname(root), 'outbox.other.json'));
  });
});
