import { describe, expect, it } from 'vitest';
import { classifyFile, DEFAULT_SETTINGS, isCandidate, resolveSettings, type ProjectLayout } from '../../src/index.js';
import { classifyPathOnce } from '../../src/lint.js';
import { DEFAULT_CHECKLIST_SETTINGS } from '../../src/checklist/settings.js';

describe('classifyFile: roles', () => {
  const cases: [path: string, role: 'router' | 'service' | 'other'][] = [
    ['src/modules/partners/router.ts', 'router'],
    ['src/modules/partners/router.admin.ts', 'router'],
    ['src/modules/partners/partner.router.ts', 'router'],
    ['src/routes/partners/index.ts', 'router'],
    ['src/api/partners.routes.ts', 'router'],
    ['src/api/partner.controller.ts', 'router'],
    ['src/controllers/partner.ts', 'router'],
    ['src/modules/partners/router.js', 'router'],
    ['src/modules/partners/router.mts', 'router'],
    ['src/modules/partners/router.cts', 'router'],
    ['src/modules/partners/partner.service.ts', 'service'],
    ['src/modules/partners/service.ts', 'service'],
    ['src/services/partner.ts', 'service'],
    ['src/modules/partners/partner-service.ts', 'service'],
    ['src/modules/partners/partner.service.mjs', 'service'],
    ['C:\\repo\\src\\modules\\partners\\partner.service.ts', 'service'],
    ['/abs/repo/src/modules/partners/router.ts', 'router'],
    // Neither.
    ['src/modules/partners/partner.repository.ts', 'other'],
    ['src/modules/partners/routerish.ts', 'other'],
    ['src/modules/partners/schemas.ts', 'other'],
    // Tests have no role, even under services/ or routes/.
    ['src/services/partner.test.ts', 'other'],
    ['src/routes/orders.spec.ts', 'other'],
    ['src/modules/partners/__tests__/router.ts', 'other'],
    // Ignored paths.
    ['node_modules/pkg/router.ts', 'other'],
    ['packages/x/dist/partner.service.js', 'other'],
    ['src/modules/partners/partner.service.d.ts', 'other'],
  ];
  it.each(cases)('%s → %s', (path, role) => {
    expect(classifyFile(path, DEFAULT_SETTINGS).role).toBe(role);
  });

  it('classifyPathOnce answers as classifyFile, asked first or after it', () => {
    // Fresh settings: no path has been classified with them yet.
    const settings = resolveSettings({ testFiles: { add: ['**/fixtures/**'] } });
    for (const [path] of cases) {
      const once = classifyPathOnce(path, settings);
      expect(classifyFile(path, settings)).toEqual(once);
      expect(classifyPathOnce(path, settings)).toEqual(once);
    }
    expect(classifyPathOnce('src/services/fixtures/a.service.ts', settings)).toEqual(classifyFile('src/services/fixtures/a.service.ts', settings));
  });

  it('marks ignored paths', () => {
    expect(classifyFile('build/router.ts', DEFAULT_SETTINGS).ignored).toBe(true);
    expect(classifyFile('src/router.ts', DEFAULT_SETTINGS).ignored).toBe(false);
  });

  it('follows the settings globs', () => {
    const settings = resolveSettings({ routerFiles: ['**/http/**/*.ts'], serviceFiles: ['**/*.usecase.ts'] });
    expect(classifyFile('src/http/orders.ts', settings).role).toBe('router');
    expect(classifyFile('src/modules/orders/router.ts', settings).role).toBe('other');
    expect(classifyFile('src/orders/create.usecase.ts', settings).role).toBe('service');
  });
});

describe('classifyFile: modules', () => {
  const cases: [path: string, module: string][] = [
    ['src/modules/partners/router.ts', 'partners'],
    ['src/modules/settings/auth/rbac.service.ts', 'settings'],
    ['backend/modules/trade_desk/websocket/x.service.ts', 'trade_desk'],
    ['src/services/billing.service.ts', 'services'],
    ['src/orders/order.service.ts', 'orders'],
    ['router.ts', ''],
    ['src\\modules\\risk\\risk.service.ts', 'risk'],
  ];
  it.each(cases)('%s → %s', (path, module) => {
    expect(classifyFile(path, DEFAULT_SETTINGS).module).toBe(module);
  });

  describe('with the packages of a monorepo', () => {
    const layout: ProjectLayout = {
      packages: [
        { dir: '', name: 'acme' },
        { dir: 'apps/api', name: '@acme/api' },
        { dir: 'apps/billing', name: '@acme/billing' },
        { dir: 'libs/unnamed' },
        { dir: 'packages/reference-runtime', name: 'reference-runtime' },
      ],
    };
    const cases: [path: string, module: string][] = [
      // The nearest package's name and the folder: two packages' `services` are two modules.
      ['apps/api/src/services/billing.service.ts', '@acme/api/services'],
      ['apps/billing/src/services/billing.service.ts', '@acme/billing/services'],
      ['apps/api/src/orders/orders.controller.ts', '@acme/api/orders'],
      // Straight in the package (or its src/): the package.
      ['apps/api/src/app.service.ts', '@acme/api'],
      ['apps/api/app.service.ts', '@acme/api'],
      // A package without a name is known by its folder.
      ['libs/unnamed/src/jobs/jobs.service.ts', 'libs/unnamed/jobs'],
      // Outside every nested package: the root package.
      ['scripts/seed/seed.service.ts', 'acme/seed'],
      // `modules/<x>` still wins, so the runtime keeps its module names.
      ['packages/reference-runtime/src/modules/partners/router.ts', 'partners'],
    ];
    it.each(cases)('%s → %s', (path, module) => {
      expect(classifyFile(path, DEFAULT_SETTINGS, layout).module).toBe(module);
    });

    it('is told apart from the same path without a layout', () => {
      expect(classifyFile('apps/api/src/services/billing.service.ts', DEFAULT_SETTINGS).module).toBe('services');
    });
  });
});

describe('isCandidate', () => {
  const cases: [path: string, text: string, expected: boolean][] = [
    ['src/modules/partners/router.ts', 'request.db.commit()', true],
    ['src/modules/partners/partner.service.ts', 'this.session.execute(q)', true],
    ['src/modules/partners/router.ts', 'export const x = 1;', false],
    ['src/modules/partners/schemas.ts', 'db.commit()', false],
    ['node_modules/x/router.ts', 'db.commit()', false],
  ];
  it.each(cases)('%s with %j → %s', (path, text, expected) => {
    expect(isCandidate(path, text, DEFAULT_SETTINGS)).toBe(expected);
  });

  describe('files with no role, with the seed checklist (the one that looks for classes by name)', () => {
    const settings = resolveSettings({ checklist: { ...DEFAULT_CHECKLIST_SETTINGS, profile: 'seed' } });
    const checklistCases: [path: string, text: string, expected: boolean][] = [
      ['src/ai/orchestrators/base.ts', 'export abstract class BaseAIOrchestrator {}', true],
      ['src/modules/matching/matching-engine.ts', 'export class MatchingEngine {}', true],
      ['src/app.ts', "import { ConnectionManager } from './core/websocket/manager.js';", true],
      ['src/modules/trade_desk/schemas.ts', 'export const schema = {};', false],
      ['node_modules/x/index.ts', 'class WebhookManager {}', false],
    ];
    it.each(checklistCases)('%s with %j → %s', (path, text, expected) => {
      expect(isCandidate(path, text, settings)).toBe(expected);
    });

    it('none when the checklist looks for other names', () => {
      const settings = resolveSettings({ checklist: { profile: 'seed', aiBaseClasses: ['AiBase'], aiFactoryFunctions: ['makeAi'] } });
      expect(isCandidate('src/ai/orchestrators/base.ts', 'export abstract class BaseAIOrchestrator {}', settings)).toBe(false);
      expect(isCandidate('src/ai/orchestrators/base.ts', 'export abstract class AiBase {}', settings)).toBe(true);
    });

    it('none by default, or when the checks that read a class are turned off: only routers and services are parsed', () => {
      const text = 'export abstract class BaseAIOrchestrator {}';
      expect(isCandidate('src/ai/orchestrators/base.ts', text, DEFAULT_SETTINGS)).toBe(false);
      const off = resolveSettings({ checklist: { profile: 'seed', disable: ['ai-orchestrator-exists'] } });
      expect(isCandidate('src/ai/orchestrators/base.ts', text, off)).toBe(false);
      expect(isCandidate('src/modules/matching/matching-engine.ts', 'export class MatchingEngine {}', off)).toBe(true);
    });
  });
});
