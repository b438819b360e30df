import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
// ESLint 9, installed beside 10 under an alias, so the plugin is proven on both flat-config majors.
import { ESLint as ESLint9 } from 'eslint-v9';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin, { configs, rules } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('the plugin object', () => {
  it('carries its name and the package version (ESLint 9/10 flat config meta)', () => {
    const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as { name: string; version: string };
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version, namespace: 'outbox' });
  });

  it('gives every rule a docs page that exists', () => {
    for (const [name, rule] of Object.entries(rules)) {
      expect(rule.meta.docs?.url).toBe(`https://github.com/outbox-toolkit/outbox-toolkit/blob/main/packages/eslint-plugin-outbox/docs/rules/${name}.md`);
      expect(readFileSync(join(here, '..', 'docs', 'rules', `${name}.md`), 'utf8')).toContain(`# ${name}`);
    }
  });
});

describe('configs', () => {
  it('are built from the rules’ meta', () => {
    const recommended = Object.entries(rules).filter(([, rule]) => rule.meta.docs?.recommended).map(([name]) => `outbox/${name}`);
    expect(Object.keys(configs.recommended.rules ?? {}).sort()).toEqual(recommended.sort());
    for (const [name, rule] of Object.entries(rules)) {
      const strictOptions = rule.meta.docs?.strictOptions;
      expect(configs.strict.rules?.[`outbox/${name}`]).toEqual(strictOptions ? ['error', ...strictOptions] : 'error');
    }
  });

  it('bring the TypeScript parser and register the plugin as outbox', () => {
    for (const config of [configs.recommended, configs.strict]) {
      expect(config.languageOptions?.parser).toBe(tsParser);
      expect(config.plugins?.outbox).toBe(plugin);
      expect(config.files).toEqual(['**/*.{ts,mts,cts,tsx,js,mjs,cjs,jsx}']);
    }
  });
});

describe('a real ESLint run with nothing else configured', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'outbox-eslint-'));
    write(
      'src/modules/organization/router.ts',
      "export function register(app: App) {\n  app.get('/organizations', async (request) => {\n    const { rows } = await request.db.execute('SELECT * FROM organizations');\n    await request.db.rollback();\n    return rows;\n  });\n}\n",
    );
    write(
      'src/modules/partners/partner.service.mts',
      [
        'export class PartnerService {',
        '  constructor(private readonly db: DbSession, private readonly outboxRepo: OutboxRepository, private readonly redis: Redis) {}',
        '  async approvePartner(id: string, idempotencyKey?: string): Promise<void> {',
        '    if (idempotencyKey) {',
        '      if (await this.redis.get(`idempotency:${idempotencyKey}`)) return;',
        '    }',
        "    await this.db.execute('UPDATE partners SET status = $1 WHERE id = $2', ['approved', id]);",
        "    await this.outboxRepo.addEvent({ eventType: 'partner.approved' });",
        '    await this.db.commit();',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    write('src/modules/risk/risk.service.cts', "export class RiskService {\n  constructor(private db: any) {}\n  async block(id: string) { await this.db.execute('UPDATE partners SET blocked = true WHERE id = $1', [id]); await this.db.commit(); }\n}\n");
    write('src/routes/legacy.js', 'export async function save(db) {\n  await db.commit();\n}\n');
    write('src/lib/util.ts', 'export async function f(db: any) { await db.commit(); }\n');
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function findings(config: object, Engine: typeof ESLint = ESLint): Promise<string[]> {
    const eslint = new Engine({ cwd: root, overrideConfigFile: true, overrideConfig: [config as never] });
    const results = await eslint.lintFiles(['src']);
    return results
      .flatMap((result) => result.messages.map((message) => `${result.filePath.slice(root.length + 1)}:${message.line} ${message.ruleId ?? message.message}`))
      .sort();
  }

  it('recommended', async () => {
    expect(await findings(configs.recommended)).toEqual([
      'src/modules/organization/router.ts:3 outbox/no-db-in-router',
      'src/modules/risk/risk.service.cts:3 outbox/require-idempotency',
      'src/modules/risk/risk.service.cts:3 outbox/require-outbox-event',
      'src/modules/risk/risk.service.cts:3 outbox/require-outbox-event',
      'src/routes/legacy.js:2 outbox/no-db-in-router',
    ]);
  });

  it('recommended gives the same findings under ESLint 9', async () => {
    expect(ESLint9.version).toMatch(/^9\./);
    expect(await findings(configs.recommended, ESLint9 as unknown as typeof ESLint)).toEqual(await findings(configs.recommended));
  });

  it('strict adds the strict-only router calls and the racy Redis warning', async () => {
    expect(await findings(configs.strict)).toEqual([
      'src/modules/organization/router.ts:3 outbox/no-db-in-router',
      'src/modules/organization/router.ts:4 outbox/no-db-in-router',
      'src/modules/partners/partner.service.mts:5 outbox/require-idempotency',
      'src/modules/risk/risk.service.cts:3 outbox/require-idempotency',
      'src/modules/risk/risk.service.cts:3 outbox/require-outbox-event',
      'src/modules/risk/risk.service.cts:3 outbox/require-outbox-event',
      'src/routes/legacy.js:2 outbox/no-db-in-router',
    ]);
  });

  it('reads settings.outbox from the flat config', async () => {
    const config = { ...configs.recommended, settings: { outbox: { routerFiles: ['**/lib/**/*.ts'] } } };
    expect((await findings(config)).filter((line) => line.includes('no-db-in-router'))).toEqual(['src/lib/util.ts:1 outbox/no-db-in-router']);
  });

  it('still works under another parser (it parses the file itself)', async () => {
    const config = { files: ['**/*.js'], plugins: { outbox: plugin }, rules: { 'outbox/no-db-in-router': 'error' } };
    expect(await findings(config)).toEqual(['src/routes/legacy.js:2 outbox/no-db-in-router']);
  });
});
