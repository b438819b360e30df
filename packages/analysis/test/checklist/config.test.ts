import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, ConfigError, readConfigFile, validateConfig } from '../../src/index.js';

describe('outbox.config.json validation', () => {
  it('accepts an empty config and a full one', () => {
    expect(validateConfig({})).toEqual([]);
    expect(
      validateConfig({
        $schema: './node_modules/outbox-analysis/schema/outbox.config.schema.json',
        routerFiles: ['src/api/**/*.ts'],
        serviceFiles: ['src/domain/**/*.ts'],
        dbHandles: ['db', 'tx'],
        outbox: { eventCalls: ['addEvent', 'publish'] },
        idempotency: { keyParams: ['requestKey'] },
        checklist: { matchingEngineClass: 'Matcher', lintCommands: ['\\bmake lint\\b'] },
      }),
    ).toEqual([]);
  });

  it.each([
    [{ routerFile: ['x'] }, 'routerFile', 'unknown key (did you mean "routerFiles"?)'],
    [{ routerFiles: 'src/**' }, 'routerFiles', 'must be a list of strings, or { "add": [...], "remove": [...] }, got string "src/**"'],
    [{ dbHandles: ['db', 3] }, 'dbHandles[1]', 'must be a string, got number 3'],
    [{ outbox: { eventCall: ['x'] } }, 'outbox.eventCall', 'unknown key (did you mean "eventCalls"?)'],
    [{ unresolvedSqlIsWrite: 'yes' }, 'unresolvedSqlIsWrite', 'must be true or false, got string "yes"'],
    [{ checklist: { riskEngineClass: '' } }, 'checklist.riskEngineClass', 'must not be empty'],
    [{ checklist: { lintCommands: ['(unclosed'] } }, 'checklist.lintCommands[0]', expect.stringMatching(/not a valid regular expression/)],
    [[], '', 'must be an object, got an array'],
  ])('rejects %j naming the key', (config, key, message) => {
    expect(validateConfig(config)).toEqual([{ key, message }]);
  });

  it('reads a file, and names the file, key and problem when it is wrong', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'outbox-config-'));
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ $schema: 'x', dbHandles: ['tx'] }));
    expect(readConfigFile(good)).toEqual({ dbHandles: ['tx'] });

    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ serviceFiles: [1] }));
    expect(() => readConfigFile(bad)).toThrow(ConfigError);
    expect(() => readConfigFile(bad)).toThrow(`${bad}: serviceFiles[0]: must be a string, got number 1`);

    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{ "routerFiles": [ }');
    expect(() => readConfigFile(broken)).toThrow(/broken\.json: not valid JSON/);
    expect(() => readConfigFile(path.join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read: ENOENT/);
  });

  it('publishes the same schema it validates with', () => {
    const published = JSON.parse(readFileSync(new URL('../../schema/outbox.config.schema.json', import.meta.url), 'utf8'));
    expect(published).toEqual(CONFIG_SCHEMA);
  });
});
