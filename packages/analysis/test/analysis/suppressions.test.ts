import { describe, expect, it } from 'vitest';
import { fileFindings, parseDirectiveComment, suppressionFor, type SuppressionDirective } from '../../src/index.js';
import { analyze, ROUTER_PATH, serviceWith } from './support.js';

const at = { line: 3, column: 1, endLine: 3 };

describe('ESLint disable comments: parsing', () => {
  it.each([
    ['// eslint-disable-next-line outbox/require-idempotency -- retried by the queue', { kind: 'disable-next-line', rules: ['outbox/require-idempotency'], reason: 'retried by the queue' }],
    ['// eslint-disable-line', { kind: 'disable-line', rules: [] }],
    ['/* eslint-disable outbox/no-db-in-router, outbox/require-outbox-event */', { kind: 'disable', rules: ['outbox/no-db-in-router', 'outbox/require-outbox-event'] }],
    ['/* eslint-enable */', { kind: 'enable', rules: [] }],
    ['/* eslint-disable-next-line outbox/require-idempotency --- legacy import */', { kind: 'disable-next-line', rules: ['outbox/require-idempotency'], reason: 'legacy import' }],
  ])('reads %s', (comment, expected) => {
    expect(parseDirectiveComment(comment, at)).toEqual({ ...expected, ...at });
  });

  it.each([
    ['a line comment cannot open a block', '// eslint-disable outbox/no-db-in-router'],
    ['other rules only', '// eslint-disable-next-line no-console'],
    ['a look-alike', '// eslint-disabled-next-line outbox/no-db-in-router'],
    ['prose', '// we used eslint-disable-line here once'],
  ])('ignores %s', (_why, comment) => {
    expect(parseDirectiveComment(comment, at)).toBeUndefined();
  });

  it('refuses a -line directive that spans lines, as ESLint does', () => {
    expect(parseDirectiveComment('/* eslint-disable-line\n */', { line: 3, column: 1, endLine: 4 })).toBeUndefined();
  });
});

describe('ESLint disable comments: what they hide', () => {
  const d = (kind: SuppressionDirective['kind'], line: number, rules: string[] = [], column = 1): SuppressionDirective => ({ kind, rules, line, column, endLine: line });

  it('a block disable holds until an enable of the same rule (or of every rule)', () => {
    const directives = [d('disable', 2, ['outbox/no-db-in-router']), d('enable', 6, ['outbox/require-idempotency']), d('enable', 9)];
    expect(suppressionFor(directives, 'no-db-in-router', 1, 1)).toBeUndefined();
    expect(suppressionFor(directives, 'no-db-in-router', 4, 3)?.line).toBe(2);
    expect(suppressionFor(directives, 'no-db-in-router', 7, 3)?.line).toBe(2);
    expect(suppressionFor(directives, 'no-db-in-router', 10, 3)).toBeUndefined();
    expect(suppressionFor(directives, 'require-idempotency', 4, 3)).toBeUndefined();
  });

  it('an enable of one rule leaves a disable of every rule in force for the others', () => {
    const directives = [d('disable', 1), d('enable', 3, ['outbox/no-db-in-router'])];
    expect(suppressionFor(directives, 'no-db-in-router', 5, 1)).toBeUndefined();
    expect(suppressionFor(directives, 'require-outbox-event', 5, 1)?.line).toBe(1);
  });

  it('a block disable starts where the comment starts, not at its line', () => {
    expect(suppressionFor([d('disable', 4, [], 20)], 'no-db-in-router', 4, 5)).toBeUndefined();
    expect(suppressionFor([d('disable', 4, [], 20)], 'no-db-in-router', 4, 25)).toBeDefined();
  });
});

describe('ESLint disable comments on findings', () => {
  const router = [
    "app.post('/a', async (request) => {",
    '  // eslint-disable-next-line outbox/no-db-in-router -- the health check writes nothing',
    '  await request.db.commit();',
    '  await request.db.commit(); // eslint-disable-line outbox/require-idempotency',
    '  await request.db.commit(); // eslint-disable-line',
    "  const text = '// eslint-disable-next-line outbox/no-db-in-router';",
    '  await request.db.commit();',
    '});',
  ].join('\n');

  it('marks each finding with the comment that hides it, and only those', () => {
    const findings = fileFindings(analyze(router, ROUTER_PATH));
    expect(findings.map((f) => [f.span.line, f.suppressedBy?.kind ?? null, f.suppressedBy?.reason ?? null])).toEqual([
      [3, 'disable-next-line', 'the health check writes nothing'],
      [4, null, null],
      [5, 'disable-line', null],
      [7, null, null],
    ]);
  });

  it('hides a missing flag reported on the operation name, as ESLint does', () => {
    const code = serviceWith(
      [
        '  // eslint-disable-next-line outbox/require-idempotency -- replayed safely by the caller',
        '  async createPartner(input: Input) {',
        "    await this.db.execute('INSERT INTO partners VALUES ($1)', [input]);",
        "    await this.outboxRepo.addEvent({ eventType: 'partner.created' });",
        '    await this.db.commit();',
        '  }',
      ].join('\n'),
    );
    const findings = fileFindings(analyze(code));
    expect(findings.map((f) => `${f.rule}:${f.suppressedBy ? 'suppressed' : 'reported'}`)).toEqual(['require-idempotency:suppressed']);
  });
});
