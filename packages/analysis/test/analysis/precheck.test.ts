import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeFile, classifyFile, declaredRouterAnalysis, isCandidate, PRESET_NAMES, resolveSettings, type OutboxSettings } from '../../src/index.js';
import { fixedPartOf, mayCallByName, precheckFor, textMayMatter } from '../../src/precheck.js';
import { stackRulesFor } from '../../src/stack.js';

const APPS_DIR = fileURLToPath(new URL('../apps/', import.meta.url));
const RUNTIME_DIR = fileURLToPath(new URL('../../../reference-runtime/', import.meta.url));
const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : listFiles(full, root);
    return SOURCE.test(entry.name) ? [relative(root, full).split(sep).join('/')] : [];
  });
}

const ALL = resolveSettings({ presets: [...PRESET_NAMES] });

describe('fixedPartOf: the part of a name glob every matching name holds', () => {
  it.each([
    ['*repository', { text: 'repository', start: false, end: true }],
    ['repo*', { text: 'repo', start: true, end: false }],
    ['*repo*', { text: 'repo', start: false, end: false }],
    ['db', { text: 'db', start: true, end: true }],
    ['a*store', { text: 'store', start: false, end: true }],
    ['*{repo,store}', undefined],
    ['*[rs]epo', { text: 'epo', start: false, end: true }],
    ['*', undefined],
    ['?', undefined],
    ['*\\*x', { text: '*x', start: false, end: true }],
  ])('%s', (glob, expected) => {
    expect(fixedPartOf(glob)).toEqual(expected);
  });
});

describe('mayCallByName: the files a codebase\'s own write methods can change (init)', () => {
  it('matches the methods as whole names', () => {
    const names = ['save', 'saveWithCtx', '$touch'];
    expect(['x.save(', 'x.saveWithCtx(', "x['saveWithCtx']", 'x.$touch()', 'é.save('].map((text) => mayCallByName(text, names))).toEqual([true, true, true, true, true]);
    expect(['x.saved(', 'x.autosave(', 'x.saveWithCtx2(', 'x._save(', 'x.a$touch('].map((text) => mayCallByName(text, names))).toEqual([false, false, false, false, false]);
  });

  it('counts a text with an escape, where a name may be spelt otherwise, and no name that is empty', () => {
    expect(["x['\\u0073ave']()", "x['\\x73ave']()"].map((text) => mayCallByName(text, ['save']))).toEqual([true, true]);
    expect(mayCallByName('x.other()', ['', 'save'])).toBe(false);
  });
});

describe('the pre-check', () => {
  it('reads every kind of fact the compiled stack has, or says why not (a new kind must be decided on)', () => {
    // Roots of a DB handle: read by precheck.ts. The rest name verbs, decorators of methods and route syntax, which
    // only qualify a call that already has a handle, or a route (a route alone is no finding).
    const read = ['byName', 'namePatterns', 'repository', 'typeMarks', 'modelBases', 'modelImports', 'producerFunctions', 'web', 'hasData'];
    const notRoots = ['idioms', 'txDecorators', 'roleMarkers'];
    expect(Object.keys(stackRulesFor(ALL)).sort()).toEqual([...read, ...notRoots].sort());
    expect(Object.keys(stackRulesFor(ALL).web).sort()).toEqual(
      ['controllerDecorators', 'exportedHandlers', 'procedureMethods', 'procedureReceiver', 'routeDecorators', 'routeMethods', 'routerNames', 'serviceDecorators'].sort(),
    );
  });

  it('looks for every handle name, model base, producer, type and name pattern of every preset', () => {
    const stack = stackRulesFor(ALL);
    const check = precheckFor(ALL);
    const words = check.words.map((n) => n.text);
    for (const name of [...stack.byName.keys(), ...stack.modelBases.keys(), ...stack.producerFunctions.keys(), ...ALL.dbHandles]) expect(words).toContain(name);
    expect(check.types.map((n) => n.text).sort()).toEqual([...new Set(stack.typeMarks.map((t) => t.mark))].sort());
    expect(check.folded.map((n) => n.text).sort()).toEqual(['dao', 'repo', 'repository', 'store']);
    expect(check.modelImports?.test(`import { Group } from '../Models/group';`)).toBe(true);
    expect(check.anyName).toBe(false);
  });

  const service = 'src/orders/orders.service.ts';
  it.each([
    ['a handle name', 'await prisma.order.create({ data })', true],
    ['a handle name inside a longer name', 'await myprismaThing.order.create({ data })', false],
    ['a handle name as a string key', "await req['db'].execute(sql)", true],
    ['a declared type', 'constructor(private readonly m: EntityManager) {}', true],
    ['a declared type inside a longer name', 'constructor(private readonly m: MyEntityManagerish) {}', false],
    ['a type after $ (the model reads it)', 'const x: $Knex = y', true],
    ['a name pattern at the end of a name', 'await this.ORDERSRepository.save(x)', true],
    ['a name pattern followed by more name', 'const report = repository_like_thing', false],
    ['a producer', 'const r = getRepository(Order)', true],
    ['a model base', 'class Order extends Model {}', true],
    ['a models import', "import { Order } from '@server/models';", true],
    ['model in a string that is no import', "log('a modelling tip'); const modelCount = 1;", false],
    ['a router decorator', '@Controller()\nexport class A {}', true],
    ['a router decorator through a namespace', '@nest . Controller ("x")\nexport class A {}', true],
    ['nothing of the kind', 'export function money(n: number) { return n.toFixed(2); }', false],
  ])('%s', (_label, text, expected) => {
    expect(textMayMatter('service', text, ALL)).toBe(expected);
  });

  it('a file with no role passes only on a router decorator or a checklist name', () => {
    const seed = resolveSettings({ presets: ['prisma'], checklist: { profile: 'seed' } });
    expect(isCandidate('src/util/money.ts', 'await prisma.order.create({})', seed)).toBe(false);
    expect(isCandidate('src/util/engine.ts', 'export class MatchingEngine {}', seed)).toBe(true);
    expect(isCandidate(service, 'export class MatchingEngine {}', seed)).toBe(true);
    expect(isCandidate('src/ignored/node_modules/x.service.ts', 'await prisma.order.create({})', seed)).toBe(false);
  });

  it('a controller at a router path that names no handle is not parsed: its analysis is its role, known from the path', () => {
    const nest = resolveSettings({ presets: ['nestjs', 'prisma'] });
    const controller = "import { Controller, Get } from '@nestjs/common';\n@Controller('health')\nexport class HealthController {\n  @Get() check() { return this.health.check(); }\n}\n";
    const path = 'src/health/health.controller.ts';
    expect(classifyFile(path, nest).role).toBe('router');
    expect(isCandidate(path, controller, nest)).toBe(false);
    expect(declaredRouterAnalysis(path, controller, nest)).toMatchObject({ file: path, role: 'router', module: 'health', operations: [], routerDbCalls: [] });
    // What the parse would have said about it: a router, and nothing else a report counts.
    const parsed = analyzeFile(path, controller, nest);
    expect(parsed).toMatchObject({ role: 'router', operations: [], routerDbCalls: [] });
    // Naming a handle, it is parsed; in a file that is no router by its path, the decorator still makes it one.
    const withHandle = controller.replace('this.health.check()', 'this.prisma.user.count()');
    expect(isCandidate(path, withHandle, nest)).toBe(true);
    expect(declaredRouterAnalysis(path, withHandle, nest)).toBeUndefined();
    expect(isCandidate('src/health/health.ts', controller, nest)).toBe(true);
    expect(isCandidate('src/health/health.service.ts', controller, nest)).toBe(true);
    expect(declaredRouterAnalysis('src/health/health.service.ts', controller, nest)).toBeUndefined();
  });

  it('without a data preset, only the session style handles count', () => {
    const plain = resolveSettings({});
    expect(textMayMatter('router', 'await prisma.order.create({})', plain)).toBe(false);
    expect(textMayMatter('router', 'await request.db.commit()', plain)).toBe(true);
  });

  it('OUTBOX_PRECHECK=off lets every router and service file through, and nothing else', () => {
    process.env.OUTBOX_PRECHECK = 'off';
    try {
      expect(isCandidate(service, 'export const x = 1;', ALL)).toBe(true);
      expect(isCandidate('src/util/money.ts', 'export const x = 1;', ALL)).toBe(false);
    } finally {
      delete process.env.OUTBOX_PRECHECK;
    }
    expect(isCandidate(service, 'export const x = 1;', ALL)).toBe(false);
  });
});

/** Every file in which the analysis finds anything passes the pre-check: the fixture apps and the runtime. */
describe('the pre-check never drops a file the analysis finds something in', () => {
  const apps = readdirSync(APPS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => {
      const manifest = JSON.parse(readFileSync(join(APPS_DIR, e.name, 'app.json'), 'utf8')) as { presets: string[] };
      return { name: e.name, root: join(APPS_DIR, e.name), settings: resolveSettings({ presets: manifest.presets }) };
    });
  const runtimeConfig = JSON.parse(readFileSync(join(RUNTIME_DIR, 'outbox.config.json'), 'utf8')) as Record<string, unknown>;
  const roots = [...apps, { name: 'reference-runtime', root: RUNTIME_DIR, settings: resolveSettings(runtimeConfig) }];

  it.each(roots.map((r) => [r.name, r] as const))('%s', (_name, { root, settings }: { root: string; settings: OutboxSettings }) => {
    const missed: string[] = [];
    let found = 0;
    let skipped = 0;
    for (const file of listFiles(root)) {
      const { role, ignored } = classifyFile(file, settings);
      if (ignored) continue;
      const text = readFileSync(join(root, file), 'utf8');
      const analysis = analyzeFile(file, text, settings);
      const matters =
        analysis.operations.length > 0 || analysis.routerDbCalls.length > 0 || (analysis.strayDbCalls?.length ?? 0) > 0 || analysis.role !== role;
      if (matters) found++;
      if (isCandidate(file, text, settings)) continue;
      skipped++;
      if (matters && role !== 'other') missed.push(file);
    }
    expect(missed).toEqual([]);
    expect(found).toBeGreaterThan(0);
    expect(skipped).toBeGreaterThan(0);
  });
});
