/**
 * init parses each file once: its handle search and its final audit analyse the trees of its permissive pass again
 * (batch.ts ParsedSources). The report it writes the baseline from must be exactly the report of a fresh audit with
 * the config it wrote, on a stack with data presets (a fixture app) and on the session style (the handle search).
 * It also reads each file once (batch.ts SourceTexts): a text is taken from memory only while the file's size and time
 * are those it was read at.
 */
import { cpSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/index.js';
import { analyzeBatch, analyzeBatchUnder, type ParsedSources, type SourceTexts } from '../src/batch.js';
import { discoverFiles } from '../src/discover.js';
import { runInit } from '../src/init.js';
import { makeProject } from './support/project.js';

const APPS = fileURLToPath(new URL('../../analysis/test/apps/', import.meta.url));

describe('init reuses its parses for the audit it ends with', () => {
  it.each(['nest-typeorm', 'koa-sequelize', 'trpc-prisma'])('%s: its report is a fresh audit with its config', async (app) => {
    const root = mkdtempSync(path.join(tmpdir(), `outbox-init-reuse-${app}-`));
    try {
      cpSync(path.join(APPS, app), root, { recursive: true });
      const result = await runInit({ root });
      expect(result.report.summary.filesParsed).toBeGreaterThan(0);
      expect(result.report).toEqual(await runAudit({ root, configFile: result.configFile }));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('the session style (handles searched one by one): the same', async () => {
    const root = makeProject({
      'src/api/orders.ts': `export function mount(app: App) {\n  app.post('/orders', async (request) => {\n    await request.tx.execute('INSERT INTO orders (sku) VALUES ($1)', [request.body.sku]);\n    await request.tx.commit();\n  });\n}\n`,
      'src/domain/order-manager.ts': `export class OrderManager {\n  constructor(private readonly tx: Tx) {}\n  async cancel(id: string) {\n    await this.tx.execute('UPDATE orders SET status = $2 WHERE id = $1', [id, 'x']);\n    await this.tx.commit();\n  }\n}\n`,
    });
    try {
      const result = await runInit({ root });
      expect(result.dbHandles).toEqual(['tx']);
      expect(result.report.summary.operations).toBe(2);
      expect(result.report).toEqual(await runAudit({ root, configFile: result.configFile }));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a tree is used only for the text it was parsed from', async () => {
    const root = makeProject({ 'src/orders.service.ts': `export class S { async a() { await this.db.execute('DELETE FROM t'); await this.db.commit(); } }\n` });
    try {
      const { files } = await discoverFiles(root, []);
      const parsed: ParsedSources = new Map();
      const first = await analyzeBatch(files, {}, 1 << 20, undefined, undefined, undefined, parsed);
      expect(first.analyses[0]!.operations.map((o) => o.method)).toEqual(['a']);
      // A tree parsed by an earlier pass from other text (a file edited meanwhile) is not used.
      const stale = (await import('outbox-analysis')).parseFile('src/orders.service.ts', 'export class S { async b() { await this.db.execute(\'DELETE FROM t\'); } }\n');
      if ('error' in stale) throw new Error(stale.error);
      parsed.set('src/orders.service.ts', { text: 'something else', sourceFile: stale.sourceFile });
      const again = await analyzeBatch(files, {}, 1 << 20, undefined, undefined, undefined, parsed);
      expect(again.analyses[0]!.operations.map((o) => o.method)).toEqual(['a']);
      // And one parsed from the same text is.
      const text = 'export class S { async a() { await this.db.execute(\'DELETE FROM t\'); await this.db.commit(); } }\n';
      writeFileSync(path.join(root, 'src/orders.service.ts'), text);
      parsed.set('src/orders.service.ts', { text, sourceFile: stale.sourceFile });
      const reused = await analyzeBatch((await discoverFiles(root, [])).files, {}, 1 << 20, undefined, undefined, undefined, parsed);
      expect(reused.analyses[0]!.operations.map((o) => o.method)).toEqual(['b']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a text read by an earlier pass is used only while the file has the size and time it was read at', async () => {
    const file = 'src/orders.service.ts';
    const text = (method: string) => `export class S { async ${method}() { await this.db.execute('DELETE FROM t'); await this.db.commit(); } }\n`;
    const root = makeProject({ [file]: text('a') });
    try {
      const texts: SourceTexts = new Map();
      const [first] = await analyzeBatchUnder((await discoverFiles(root, [])).files, [{}], 1 << 20, undefined, undefined, texts);
      expect(first!.map((a) => a.operations.map((o) => o.method))).toEqual([['a']]);
      expect(texts.get(file)?.text).toBe(text('a'));
      const methods = async (options: { cache?: boolean } = {}) => {
        const { files } = await discoverFiles(root, []);
        const result = await analyzeBatch(files, {}, 1 << 20, undefined, options.cache ? new Map() : undefined, undefined, undefined, texts);
        return result.analyses.flatMap((a) => a.operations.map((o) => o.method));
      };
      // Unchanged on disk: the remembered text is analysed (made to differ here, to see which one was).
      const entry = texts.get(file)!;
      texts.set(file, { ...entry, text: text('remembered') });
      expect(await methods()).toEqual(['remembered']);
      // Not where a cache is kept: the cache hashes the bytes on disk.
      expect(await methods({ cache: true })).toEqual(['a']);
      // A new time (same size): read again, and the new text kept.
      const later = new Date(entry.mtimeMs + 5000);
      utimesSync(path.join(root, file), later, later);
      expect(await methods()).toEqual(['a']);
      expect(texts.get(file)?.text).toBe(text('a'));
      // A new size: read again.
      texts.set(file, { ...texts.get(file)!, text: text('remembered') });
      writeFileSync(path.join(root, file), text('bb'));
      utimesSync(path.join(root, file), later, later);
      expect(await methods()).toEqual(['bb']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
