import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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
        checklist: { profile: 'seed', disable: ['webhooks-operational'], matchingEngineClass: 'Matcher', lintCommands: ['\\bmake lint\\b'], workflowsDir: 'ci/workflows' },
        unanalysable: [{ path: 'src/vendor/blob.service.js', reason: 'minified vendor code, reviewed by hand' }],
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
    [{ checklist: { lintCommands: ['(unclosed'] } }, 'checklist.lintCommands[0]', expect.stringMatching(/not a usable regular expression: .*unterminated group/)],
    [{ checklist: { lintCommands: ['(a)\\1'] } }, 'checklist.lintCommands[0]', expect.stringMatching(/back-references are not supported/)],
    [{ routerFiles: ['src/@(a|b)/*.ts'] }, 'routerFiles[0]', expect.stringMatching(/not a usable glob: .*extglob/)],
    [{ checklist: { testFiles: ['!x'] } }, 'checklist.testFiles[0]', expect.stringMatching(/not a usable glob: .*negation/)],
    [{ ignore: { add: ['ok/**', 'src/+(x)'] } }, 'ignore.add[1]', expect.stringMatching(/not a usable glob: .*extglob/)],
    [{ repositoryNames: ['*Store', '@(a|b)Repo'] }, 'repositoryNames[1]', expect.stringMatching(/not a usable glob/)],
    [{ checklist: { lintCommands: { add: ['x(?=y)'] } } }, 'checklist.lintCommands.add[0]', expect.stringMatching(/look-ahead is not supported/)],
    [{ checklist: { workflowsDir: '../..' } }, 'checklist.workflowsDir', 'must stay inside the audited root (no ".." segment), got "../.."'],
    [{ checklist: { workflowsDir: '/etc' } }, 'checklist.workflowsDir', 'must be relative to the audited root, got the absolute path "/etc"'],
    [{ unanalysable: [{ path: 'a/../../b', reason: 'x' }] }, 'unanalysable[0].path', expect.stringMatching(/must stay inside the audited root/)],
    [{ unanalysable: [{ path: 'vendor/blob.js' }] }, 'unanalysable[0]', 'needs "reason"'],
    [{ unanalysable: [{ path: 'x', reason: 'y', why: 'z' }] }, 'unanalysable[0].why', 'unknown key'],
    [{ ignore: Array.from({ length: 1001 }, () => 'x') }, 'ignore', 'too many entries (1001, at most 1000)'],
    [{ dbHandles: ['x'.repeat(1001)] }, 'dbHandles[0]', 'too long (1001 characters, at most 1000)'],
    [[], '', 'must be an object, got an array'],
    [{ checklist: { profile: 'sead' } }, 'checklist.profile', 'unknown value "sead" (did you mean "seed"?); one of: default, seed'],
    [{ checklist: { disable: ['pr-lint-workflow'] } }, 'checklist.disable[0]', expect.stringMatching(/^unknown value "pr-lint-workflow" \(did you mean "pr-lint-workflow-exists"\?\)/)],
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

    const huge = path.join(dir, 'huge.json');
    writeFileSync(huge, `{"dbHandles": ["${'x'.repeat(1024 * 1024)}"]}`);
    expect(() => readConfigFile(huge)).toThrow(/huge\.json: cannot read: too large/);
  });

  it('does not read a config that is a link to a file outside the root it configures', () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'outbox-secret-'));
    const secret = path.join(outside, 'secret.txt');
    writeFileSync(secret, 'root:x:0:0:SECRET');
    const root = mkdtempSync(path.join(tmpdir(), 'outbox-root-'));
    const link = path.join(root, 'outbox.config.json');
    symlinkSync(secret, link);
    expect(() => readConfigFile(link, { root })).toThrow(/symbolic link to a file outside the audited root/);
    expect(() => readConfigFile(link, { root })).not.toThrow(/SECRET/);
    // Inside the root, a link is fine.
    writeFileSync(path.join(root, 'real.json'), '{"dbHandles":["tx"]}');
    const inside = path.join(root, 'inside.json');
    symlinkSync('real.json', inside);
    expect(readConfigFile(inside, { root })).toEqual({ dbHandles: ['tx'] });
  });

  it('publishes the same schema it validates with', () => {
    const published = JSON.parse(readFileSync(new URL('../../schema/outbox.config.schema.json', import.meta.url), 'utf8'));
    expect(published).toEqual(CONFIG_SCHEMA);
  });
});
