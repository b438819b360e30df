import { describe, expect, it } from 'vitest';
import type { FileDiagnostic, Operation, OperationFlag, RouterDbCall, SourceSpan } from '../../src/index.js';
import { compareWithMarkers } from './expectations.js';
import { parseMarkers } from './markers.js';

const lines = (...text: string[]) => text.join('\n');

describe('parseMarkers', () => {
  it('applies a marker to the next line', () => {
    const text = lines('// expect: router-db-call', "await pool.query('SELECT 1');");
    expect(parseMarkers(text, 'f.ts')).toEqual([{ kind: 'router-db-call', line: 2, markerLine: 1, flags: {}, note: '' }]);
  });

  it('skips blank lines, line comments and block comments', () => {
    const text = lines(
      '  // expect: operation',
      '',
      '  // Places an order.',
      '  /**',
      '   * More words.',
      '   */',
      '  /* one line */',
      '  async place() {',
    );
    expect(parseMarkers(text, 'f.ts').map((marker) => marker.line)).toEqual([8]);
  });

  it('skips a block comment whose inner lines do not start with *', () => {
    const text = lines('// expect: operation', '/*', 'async looksLikeCode() {', '*/', 'async place() {');
    expect(parseMarkers(text, 'f.ts')[0]!.line).toBe(5);
  });

  it('skips decorators, so a marker may sit above them', () => {
    const text = lines(
      '  // expect: operation event=no',
      "  @Patch(':id/verify')",
      '  @HttpCode(204)',
      "  async verify(@Param('id') id: string) {",
    );
    expect(parseMarkers(text, 'f.ts')[0]).toMatchObject({ line: 4, flags: { event: false } });
  });

  it('a marker between a decorator and the method applies to the method', () => {
    const text = lines("  @Post(':id')", '  // expect: operation', '  async create() {');
    expect(parseMarkers(text, 'f.ts')[0]!.line).toBe(3);
  });

  it('refuses a decorator whose arguments span several lines', () => {
    const text = lines('// expect: operation', '@Post({', "  path: ':id',", '})', 'async create() {');
    expect(() => parseMarkers(text, 'f.ts')).toThrow('f.ts:1: the decorator on line 2 spans several lines');
  });

  it('a bracket inside a decorator string does not count', () => {
    const text = lines('// expect: operation', "@Get(':id(\\\\d+')", 'async find() {');
    expect(parseMarkers(text, 'f.ts')[0]!.line).toBe(3);
  });

  it('reads the flags of an operation marker', () => {
    const [marker] = parseMarkers(lines('// expect: operation outbox=no idempotency=no event=yes commit=yes', 'async place() {'), 'f.ts');
    expect(marker!.flags).toEqual({ outbox: false, idempotency: false, event: true, commit: true });
  });

  it('reads the note of a trap after an em dash, an en dash or a hyphen', () => {
    const parse = (dash: string) => parseMarkers(lines(`// expect: none ${dash} a cache get(key, fn)`, 'cache.get(key, load);'), 'f.ts')[0]!;
    for (const dash of ['—', '–', '-']) expect(parse(dash)).toMatchObject({ kind: 'none', note: 'a cache get(key, fn)' });
  });

  it('an operation marker may carry a note too', () => {
    const [marker] = parseMarkers(lines('// expect: operation event=no — publishes after the commit', 'async cancel() {'), 'f.ts');
    expect(marker).toMatchObject({ flags: { event: false }, note: 'publishes after the commit' });
  });

  it('stacked markers apply to the same line', () => {
    const text = lines('// expect: operation', '// expect: router-db-call', "app.post('/x', (req, res) => db.execute('DELETE FROM t'));");
    expect(parseMarkers(text, 'f.ts').map((marker) => [marker.kind, marker.line])).toEqual([
      ['operation', 3],
      ['router-db-call', 3],
    ]);
  });

  it('ignores comments that merely mention expectations', () => {
    expect(parseMarkers(lines('// we expect the caller to commit', 'db.commit();'), 'f.ts')).toEqual([]);
  });

  describe('errors name the file and line', () => {
    const cases: [string, string, string][] = [
      ['an unknown kind', lines('// expect: write', 'x();'), 'f.ts:1: unknown marker kind "write"'],
      ['an empty marker', lines('// expect:', 'x();'), 'f.ts:1: unknown marker kind ""'],
      ['an unknown flag', lines('// expect: operation events=no', 'x();'), 'f.ts:1: bad flag "events=no"'],
      ['a flag value other than yes/no', lines('// expect: operation event=true', 'x();'), 'f.ts:1: bad flag "event=true"'],
      ['a flag given twice', lines('// expect: operation event=no event=yes', 'x();'), 'f.ts:1: flag event given twice'],
      ['flags on a router-db-call', lines('// expect: router-db-call event=no', 'x();'), 'f.ts:1: unexpected "event=no" after "router-db-call"'],
      ['a trap without its reason', lines('// expect: none', 'x();'), 'f.ts:1: a trap needs its reason'],
      ['a marker at the end of the file', lines('x();', '// expect: operation', ''), 'f.ts:2: marker with no line below it'],
      ['a marker after code', lines('x(); // expect: operation'), 'f.ts:1: malformed marker: a marker must be a comment on its own line'],
      ['a mistyped marker', lines('// Expects: operation', 'x();'), 'f.ts:1: malformed marker: write it exactly'],
      ['a trap stacked on a positive', lines('// expect: none — why', '// expect: operation', 'x();'), 'f.ts:3: a trap (expect: none) cannot also expect operation'],
      ['the same kind twice on a line', lines('// expect: operation', '// expect: operation', 'x();'), 'f.ts:3: two "operation" markers apply to the same line'],
    ];
    it.each(cases)('%s', (_name, text, message) => {
      expect(() => parseMarkers(text, 'f.ts')).toThrow(message);
    });
  });
});

describe('compareWithMarkers', () => {
  const span = (line: number): SourceSpan => ({ line, column: 1, endLine: line, endColumn: 2, start: 0, end: 1 });
  const operation = (line: number, method: string, flags: Partial<Record<OperationFlag, boolean>> = {}): Operation => {
    const all = { outbox: false, idempotency: false, event: false, commit: false, ...flags };
    return {
      ...all,
      module: 'm',
      kind: 'service',
      className: 'OrderService',
      method,
      file: 'f.ts',
      line,
      column: 3,
      nameSpan: span(line),
      span: span(line),
      compliant: false,
      missing: (Object.keys(all) as OperationFlag[])
        .filter((flag) => !all[flag])
        .map((flag) => ({ flag, reason: flag === 'event' ? 'no-event' : 'no-idempotency-check', message: '', at: span(line) })),
      warnings: [],
      firstWrite: span(line),
    };
  };
  const call = (line: number, name = 'query'): RouterDbCall => ({ ...span(line), call: name, handle: 'pool', strictOnly: false });
  const compare = (text: string, operations: Operation[], routerDbCalls: RouterDbCall[], diagnostics: FileDiagnostic[] = []) =>
    compareWithMarkers('app/f.ts', parseMarkers(text, 'app/f.ts'), { operations, routerDbCalls, diagnostics });

  const text = lines(
    '// expect: operation event=yes', // 1
    'async place() {', // 2
    '// expect: router-db-call', // 3
    "await pool.query('SELECT 1');", // 4
    '// expect: none — a cache get(key, fn)', // 5
    'await cache.get(key, load);', // 6
    'other();', // 7
  );

  it('finds nothing wrong when the findings are exactly the markers', () => {
    expect(compare(text, [operation(2, 'place', { event: true })], [call(4)])).toEqual([]);
  });

  it('lists every miss, false positive, trap hit and flag mismatch at once, by line', () => {
    const problems = compare(text, [operation(2, 'place'), operation(7, 'other')], [call(6, 'get'), call(7), call(7, 'release')], [
      { file: 'app/f.ts', message: 'parse error: x (line 7)', line: 7 },
    ]);
    expect(problems).toEqual([
      'app/f.ts:2 — operation OrderService.place: event=no, expected event=yes (no-event)',
      'app/f.ts:4 — missed router DB call (marker on line 3)',
      'app/f.ts:6 — trap reported as router DB call pool.get() (the line is marked none: a cache get(key, fn))',
      'app/f.ts:7 — analysis diagnostic: parse error: x (line 7)',
      'app/f.ts:7 — unexpected operation OrderService.other',
      'app/f.ts:7 — unexpected router DB calls pool.query(), pool.release()',
    ]);
  });

  it('reports a missed operation and checks only the flags given', () => {
    expect(compare(lines('// expect: operation', 'async a() {', '// expect: operation commit=no', 'async b() {'), [operation(4, 'b', { event: true })], [])).toEqual([
      'app/f.ts:2 — missed operation (marker on line 1)',
    ]);
  });

  it('a trap reported as an operation says so', () => {
    expect(compare(lines('// expect: none — a read', 'async list() {'), [operation(2, 'list')], [])).toEqual([
      'app/f.ts:2 — trap reported as operation OrderService.list (the line is marked none: a read)',
    ]);
  });
});
