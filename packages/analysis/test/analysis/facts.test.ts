import { describe, expect, it } from 'vitest';
import { analyze } from './support.js';

const ENGINE = [
  "import { MatchScorer } from './match-scorer.js';",
  "import { getOrchestrator, type BaseAIOrchestrator as Base } from '../../ai/orchestrators/factory.js';",
  "import * as config from './config.js';",
  "import defaultScorer from './default.js';",
  "export { helper } from './helper.js';",
  '',
  'export abstract class MatchingEngine extends BaseEngine implements Engine, Disposable {',
  '  private readonly scorer: MatchScorer;',
  '  ai = getOrchestrator();',
  '  constructor(private readonly config: EngineConfig, threshold = 0.5) {',
  '    super();',
  '    this.scorer = new MatchScorer(config);',
  '  }',
  '  abstract name(): string;',
  '  async score(a, b) { return this.scorer.calculateScore(a, b); }',
  '  refine = async (x) => x;',
  '}',
  '',
  'export function createEngine() { return null; }',
  'const local = () => 1;',
  'function internal() {}',
].join('\n');

describe('facts for every file (the checklist reads them)', () => {
  const analysis = analyze(ENGINE, 'src/modules/matching/matching-engine.ts');

  it('has no role and no operations', () => {
    expect(analysis.role).toBe('other');
    expect(analysis.operations).toEqual([]);
  });

  it('describes classes', () => {
    expect(analysis.classes).toEqual([
      {
        name: 'MatchingEngine',
        line: 7,
        abstract: true,
        extends: 'BaseEngine',
        implements: ['Engine', 'Disposable'],
        methods: ['name', 'score', 'refine'],
        constructorParams: [
          { name: 'config', type: 'EngineConfig' },
          { name: 'threshold', initializer: '0.5' },
        ],
        properties: [
          { name: 'scorer', type: 'MatchScorer', line: 8 },
          { name: 'ai', initializer: 'getOrchestrator()', line: 9 },
          { name: 'config', type: 'EngineConfig', line: 10 },
          { name: 'scorer', initializer: 'new MatchScorer(config)', line: 12 },
          { name: 'refine', initializer: 'async (x) => x', line: 16 },
        ],
        // `new MatchScorer()` and `super()` are not function calls.
        calls: ['getOrchestrator', 'calculateScore'],
      },
    ]);
  });

  it('lists top-level functions', () => {
    expect(analysis.functions).toEqual([
      { name: 'createEngine', line: 19, exported: true },
      { name: 'local', line: 20, exported: false },
      { name: 'internal', line: 21, exported: false },
    ]);
  });

  it('lists imports by imported name', () => {
    expect(analysis.imports).toEqual([
      { from: './match-scorer.js', names: ['MatchScorer'] },
      { from: '../../ai/orchestrators/factory.js', names: ['getOrchestrator', 'BaseAIOrchestrator'] },
      { from: './config.js', names: ['config'] },
      { from: './default.js', names: ['defaultScorer'] },
      { from: './helper.js', names: ['helper'] },
    ]);
  });
});
