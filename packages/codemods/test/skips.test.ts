import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileAnalysis } from 'outbox-analysis';
import { describe, expect, it } from 'vitest';
import { runTransforms } from '../src/engine/run.js';
import { SKIP_CODES, type SkipCode } from '../src/engine/skips.js';
import type { Transform } from '../src/engine/types.js';
import { OverlayWorkspace } from '../src/engine/workspace.js';
import { injectOutbox } from '../src/transforms/inject-outbox/index.js';

/**
 * Every reason a run can leave something as it was is produced by a fixture: the `*.skips.json` of the transform
 * fixtures name the codes they produce (the fixture harness checks that they do), and the engine's safety nets, which
 * only a faulty transform or analysis can trip, are tripped here on purpose.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const OPTIONS = { idempotency: 'store', todoComments: false } as const;
const TSCONFIG = JSON.stringify({ compilerOptions: { strict: true, types: [], lib: ['ES2023'], noEmit: true }, include: ['src'] });

function codesOfFixtures(): Map<SkipCode, string[]> {
  const found = new Map<SkipCode, string[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(abs);
      else if (entry.name.endsWith('.skips.json')) {
        for (const wanted of JSON.parse(readFileSync(abs, 'utf8')) as string[]) {
          if (wanted in SKIP_CODES) found.set(wanted as SkipCode, [...(found.get(wanted as SkipCode) ?? []), path.relative(here, abs)]);
        }
      }
    }
  };
  walk(path.join(here, 'transforms'));
  return found;
}

/** The codes the engine tests below produce. */
const engineCodes: SkipCode[] = [];

describe('the engine safety nets', () => {
  it('a transform whose output does not parse: the file goes back as it was (transformed-text-does-not-parse)', async () => {
    const broken: Transform = { name: 'inject-outbox', summary: 'test', run: (ws) => ws.write('src/a.service.ts', 'export class A {\n  async x( {\n}\n') };
    const workspace = new OverlayWorkspace('/fixture', OPTIONS, {}, new Map([['src/a.service.ts', 'export class A {}\n']]));
    await runTransforms(workspace, [broken]);
    expect(workspace.changes()).toEqual([]);
    expect(workspace.skipped().map((s) => s.code)).toEqual(['transformed-text-does-not-parse']);
    engineCodes.push('transformed-text-does-not-parse');
  });

  it('a transform that claims nothing and adds a type error: it is left out entirely (transform-type-error)', async () => {
    const careless: Transform = { name: 'inject-outbox', summary: 'test', run: (ws) => ws.write('src/a.ts', 'export const a: number = "one";\n') };
    const workspace = new OverlayWorkspace('/fixture', OPTIONS, {}, new Map([['tsconfig.json', TSCONFIG], ['src/a.ts', 'export const a: number = 1;\n']]));
    const { typeCheck } = await runTransforms(workspace, [careless]);
    expect(typeCheck.unavailable).toBeUndefined();
    expect(workspace.changes()).toEqual([]);
    const [skip] = workspace.skipped();
    expect(skip).toMatchObject({ code: 'transform-type-error', file: 'src/a.ts', line: 1 });
    expect(skip!.reason).toContain("TS2322: Type 'string' is not assignable to type 'number'");
    engineCodes.push('transform-type-error');
  });

  it('skips survive the search for the transform at fault: none is lost or left as a hole', async () => {
    // The engine steps back to each transform's start and forward again to find which one added the error.
    // The search steps back to a state with no skip at all (before `first`), then forward past `first` to `second`.
    const quiet: Transform = { name: 'scaffold', summary: 'test', run: () => undefined };
    const first: Transform = { name: 'service-commit', summary: 'test', run: (ws) => ws.skip({ code: 'not-async', file: 'src/a.ts', reason: 'first' }) };
    const second: Transform = {
      name: 'inject-outbox',
      summary: 'test',
      run: (ws) => {
        ws.skip({ code: 'commit-in-loop', file: 'src/a.ts', reason: 'second' });
        if (ws.excluded('src/a.ts#A.x')) return;
        ws.claim({ key: 'src/a.ts#A.x', label: 'A.x', file: 'src/a.ts', className: 'A', member: 'x' });
        ws.write('src/a.ts', 'export class A {\n  x(): number {\n    return "one";\n  }\n}\n');
      },
    };
    const third: Transform = { name: 'inject-idempotency', summary: 'test', run: (ws) => ws.skip({ code: 'caller-commits', file: 'src/a.ts', reason: 'third' }) };
    const workspace = new OverlayWorkspace('/fixture', OPTIONS, {}, new Map([['tsconfig.json', TSCONFIG], ['src/a.ts', 'export class A {\n  x(): number {\n    return 1;\n  }\n}\n']]));
    await runTransforms(workspace, [quiet, first, second, third]);
    const skipped = workspace.skipped();
    expect(skipped.every((s) => s !== undefined)).toBe(true);
    expect(skipped.map((s) => s.code).sort()).toEqual(['caller-commits', 'commit-in-loop', 'not-async', 'type-error']);
  });

  it('an order-dependent error (too deep, circular) of a code the project already had is not blamed on the change; of a new code it is', async () => {
    // TypeScript reports such an error in whichever file it checks first: it moves between files as the check order does.
    const deep = (name: string, n: number) => `type ${name}<N extends number, A extends unknown[] = []> = A['length'] extends N ? A : ${name}<N, [...A, A]>;\nexport type ${name}Of = ${name}<${n}>;\n`;
    const adding: Transform = { name: 'inject-outbox', summary: 'test', run: (ws) => ws.write('src/b.ts', deep('Other', 3000)) };
    const had = new OverlayWorkspace('/fixture', OPTIONS, {}, new Map([['tsconfig.json', TSCONFIG], ['src/a.ts', deep('Build', 2000)]]));
    await runTransforms(had, [adding]);
    expect(had.skipped()).toEqual([]);
    expect(had.changes().map((c) => c.path)).toEqual(['src/b.ts']);
    const clean = new OverlayWorkspace('/fixture', OPTIONS, {}, new Map([['tsconfig.json', TSCONFIG], ['src/a.ts', 'export const a = 1;\n']]));
    await runTransforms(clean, [adding]);
    expect(clean.changes()).toEqual([]);
    expect(clean.skipped().map((s) => s.code)).toEqual(['transform-type-error']);
    expect(clean.skipped()[0]!.reason).toContain('TS2589');
  });

  it('a change left out for a type error names an import the project itself does not resolve as the likelier cause', async () => {
    // A Prisma service extending a client that was never generated: the class has none of the client's members.
    const wrapping: Transform = {
      name: 'wrap-transaction',
      summary: 'test',
      run: (ws) => {
        if (ws.excluded('src/orders.service.ts#OrdersService.update')) return;
        ws.claim({ key: 'src/orders.service.ts#OrdersService.update', label: 'OrdersService.update', file: 'src/orders.service.ts', className: 'OrdersService', member: 'update' });
        ws.write('src/orders.service.ts', ws.read('src/orders.service.ts').replace('return 1;', 'return this.prisma.$transaction(async () => 1);'));
      },
    };
    const service = 'import { PrismaService } from \'./prisma.service.js\';\nexport class OrdersService {\n  constructor(private readonly prisma: PrismaService) {}\n  async update(): Promise<number> {\n    return 1;\n  }\n}\n';
    const run = async (prismaService: string) => {
      const workspace = new OverlayWorkspace('/fixture', OPTIONS, {}, new Map([['tsconfig.json', TSCONFIG], ['src/prisma.service.ts', prismaService], ['src/orders.service.ts', service]]));
      await runTransforms(workspace, [wrapping]);
      expect(workspace.changes()).toEqual([]);
      expect(workspace.skipped().map((s) => s.code)).toEqual(['type-error']);
      return workspace.skipped()[0]!.reason;
    };
    const ungenerated = await run("import { PrismaClient } from '../generated/prisma/client.js';\nexport class PrismaService extends PrismaClient {}\n");
    expect(ungenerated).toContain("TS2339: Property '$transaction' does not exist on type 'PrismaService'");
    expect(ungenerated).toContain("the project does not type-check as it is either (src/prisma.service.ts:1:30 TS2307: Cannot find module '../generated/prisma/client.js'");
    expect(ungenerated).toContain('`prisma generate`');
    // A project whose imports all resolve gets the change's own error, and nothing else.
    const resolved = await run('export class PrismaService {}\n');
    expect(resolved).toContain("TS2339: Property '$transaction' does not exist on type 'PrismaService'");
    expect(resolved).not.toContain('does not type-check as it is');
  });

  it('an error the original already had is not counted: the same edit next to it is kept', async () => {
    const careful: Transform = { name: 'inject-outbox', summary: 'test', run: (ws) => ws.write('src/a.ts', `${ws.read('src/a.ts')}export const b = 2;\n`) };
    const workspace = new OverlayWorkspace('/fixture', OPTIONS, {}, new Map([['tsconfig.json', TSCONFIG], ['src/a.ts', 'export const a: number = "one";\n']]));
    await runTransforms(workspace, [careful]);
    expect(workspace.skipped()).toEqual([]);
    expect(workspace.changes().map((c) => c.path)).toEqual(['src/a.ts']);
  });

  it('an event the analysis still finds missing after the transform placed it is reported (event-not-fixed)', async () => {
    // A workspace whose analysis never sees the edits: what a disagreement between the transform and the analysis looks like.
    class StaleAnalysis extends OverlayWorkspace {
      private readonly first = new Map<string, FileAnalysis>();
      override analysis(file: string): FileAnalysis {
        if (!this.first.has(file)) this.first.set(file, super.analysis(file));
        return this.first.get(file)!;
      }
    }
    const service = [
      "import { OutboxRepository } from './outbox.repository.js';",
      'export class OrderService {',
      '  constructor(private readonly db: { execute(s: string): Promise<void>; commit(): Promise<void> }, private readonly outboxRepo = new OutboxRepository(db)) {}',
      '  async createOrder(): Promise<void> {',
      "    await this.db.execute('INSERT INTO orders DEFAULT VALUES');",
      '    await this.db.commit();',
      '  }',
      '}',
      '',
    ].join('\n');
    const repository = 'export class OutboxRepository {\n  constructor(readonly db: unknown) {}\n  async addEvent(event: object): Promise<void> {\n    void event;\n  }\n}\n';
    const workspace = new StaleAnalysis('/fixture', OPTIONS, {}, new Map([['src/orders/order.service.ts', service], ['src/orders/outbox.repository.ts', repository]]));
    await runTransforms(workspace, [injectOutbox]);
    expect(workspace.skipped().map((s) => s.code)).toContain('event-not-fixed');
    engineCodes.push('event-not-fixed');
  });
});

describe('every skip reason has a fixture that produces it', () => {
  it('each code of the catalogue is produced by a transform fixture or by an engine test above', () => {
    const byFixture = codesOfFixtures();
    const missing = (Object.keys(SKIP_CODES) as SkipCode[]).filter((code) => !byFixture.has(code) && !engineCodes.includes(code));
    expect(missing).toEqual([]);
  });

  it('docs/skips.md lists every code, and no other', () => {
    const doc = readFileSync(path.join(here, '..', 'docs', 'skips.md'), 'utf8');
    const listed = [...doc.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(SKIP_CODES).sort());
  });
});
