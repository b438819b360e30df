import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from 'outbox-analysis/core';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/audit.js';
import { decodeSource, MAX_FOLDER_DEPTH, MAX_PATH_LENGTH } from '../src/discover.js';
import { evaluateGate } from '../src/gate.js';
import { commandData, commandProperty, guardCommandLines, guardJson, markdownCode, markdownText, terminalText, workflowCommand } from '../src/printers/escape.js';
import { writeFileAtomic } from '../src/safe-fs.js';
import { makeProject, ORDER_ROUTER, ORDER_SERVICE } from './support/project.js';
import { renderMarkdown, runnerCommands } from './support/readers.js';

describe('escaping', () => {
  it('encodes workflow command data and properties as the runner decodes them', () => {
    expect(commandData('50%\r\n::x')).toBe('50%25%0D%0A::x');
    expect(commandProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
    const line = workflowCommand('error', { title: 't,1:2', file: 'a,b:c\n::error::x.ts', line: 3, col: undefined }, 'm\n::warning::y');
    expect(line.split('\n')).toHaveLength(2);
    expect(runnerCommands(line)).toEqual([
      { command: 'error', properties: { title: 't,1:2', file: 'a,b:c\n::error::x.ts', line: '3' }, data: 'm\n::warning::y', line: line.trimEnd() },
    ]);
  });

  it('never lets printed text start a command, in either form', () => {
    const text = ['::error::a', '   ::warning::b', '\u00a0::notice::c', 'x ##[error]d', '###[error]e', '##[stop-commands]t'].join('\n');
    expect(runnerCommands(text)).toHaveLength(6);
    expect(runnerCommands(guardCommandLines(text))).toEqual([]);
    expect(guardCommandLines('a::b\n::c')).toBe('a::b\n\\u003a:c');
    // Text with neither form is returned as it is (looked for before any expression runs).
    expect(guardCommandLines('a: b\n:c #[x] ##x')).toBe('a: b\n:c #[x] ##x');
    expect(guardJson('{"a": "x ##[error]y"}')).toBe('{"a": "x #\\u0023[error]y"}');
    expect(guardJson('{"a": "#[x] ##"}')).toBe('{"a": "#[x] ##"}');
  });

  it('decodes source as UTF-8 whether or not it is plain ASCII (ASCII takes a shorter way)', () => {
    const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
    for (const text of ['const a = 1;\n', "const s = 'caf\u00e9 \u2713 \ud83d\ude00';\n", '\ufeffconst bom = 1;\n', '']) {
      expect(decodeSource(bytes(text), 1 << 20)).toEqual({ ok: true, text: new TextDecoder().decode(bytes(text)) });
    }
    // A slice of a larger buffer is decoded from its own bytes only.
    const whole = Buffer.from('xxconst b = 2;yy');
    expect(decodeSource(whole.subarray(2, 14), 1 << 20)).toEqual({ ok: true, text: 'const b = 2;' });
    expect(decodeSource(new Uint8Array([0x63, 0xff, 0x64]), 1 << 20)).toMatchObject({ ok: false, kind: 'not-utf8' });
  });

  it('shows control characters in terminal text instead of sending them', () => {
    expect(terminalText('a\u001b[31mb\nc\rd\u0085e\u2028f\u202eg\u0000')).toBe('a\\u001b[31mb\\u000ac\\u000dd\\u0085e\\u2028f\\u202eg\\u0000');
    expect(terminalText('plain é ✓')).toBe('plain é ✓');
  });

  it('renders Markdown text and code spans as written', () => {
    const hostile = '# H\n<img src=x> `a` | b | *c* [l](u) &amp; 1. ~~s~~';
    const para = renderMarkdown(`Before ${markdownText(hostile)} after`);
    expect(para.headings).toEqual([]);
    expect(para.html_tokens).toEqual([]);
    expect(para.links).toEqual([]);
    expect(para.html).toContain('&lt;img src=x&gt; `a` | b | *c* [l](u) &amp;amp; 1. ~~s~~');
    // At the start of a line, a value opens no block either.
    for (const start of ['# x', '> x', '- x', '+ x', '1. x', '2) x', '===', '---', '   # x']) {
      const r = renderMarkdown(`para\n${markdownText(start)}`);
      expect([start, r.headings.length, r.html.includes('<blockquote') || r.html.includes('<li') || r.html.includes('<hr')]).toEqual([start, 0, false]);
    }
    const table = renderMarkdown(`| a | b |\n| --- | --- |\n| ${markdownCode('x|y`z`` ', { inTable: true })} | ${markdownText('p|q')} |`);
    expect(table.tables).toEqual([[2, 2]]);
    expect(table.html).toContain('<code>x|y`z`` </code>');
  });
});

describe('safe writes', () => {
  it('writes through a new exclusive file and a rename: a link at the target is replaced, its target untouched', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'outbox-write-'));
    const victim = path.join(mkdtempSync(path.join(tmpdir(), 'outbox-victim-')), 'victim');
    writeFileSync(victim, 'VICTIM');
    const out = path.join(dir, 'out.json');
    symlinkSync(victim, out);
    // The names an older version used for its temporary files, planted as links: none is written through.
    for (const name of [`out.json.${process.pid}.tmp`, `.out.json.${process.pid}.tmp`]) symlinkSync(victim, path.join(dir, name));
    writeFileAtomic(out, 'REPORT');
    expect(readFileSync(out, 'utf8')).toBe('REPORT');
    expect(readFileSync(victim, 'utf8')).toBe('VICTIM');
    expect(readdirSync(dir).sort()).toEqual([`.out.json.${process.pid}.tmp`, 'out.json', `out.json.${process.pid}.tmp`]);
  });
});

describe('fail closed', () => {
  it('fails the gate on an in-scope file that cannot be analysed unless the config accepts it by path, with a reason', async () => {
    const root = makeProject({
      'src/modules/orders/order.service.ts': ORDER_SERVICE,
      'src/modules/orders/router.ts': ORDER_ROUTER,
      // A parse that overflows the stack: no fact comes out of it.
      'src/modules/deep/deep.service.ts': `export class Deep {\n  constructor(private readonly db: Db) {}\n  async f() {\n    await this.db.execute('DELETE FROM t');\n    const x = ${'['.repeat(20000)}${']'.repeat(20000)};\n  }\n}\n`,
      // Too large, and it mentions a class the checklist reads (the seed profile's WebSocket check): the audit would
      // have parsed it.
      'outbox.config.json': JSON.stringify({ checklist: { profile: 'seed' } }),
      'src/core/ws/big.ts': `export class ConnectionManager {}\n// ${'x'.repeat(3 * 1024 * 1024)}\n`,
      // Too large, and no role, no checklist name: out of scope, a diagnostic only.
      'src/vendor/blob.js': `// ${'y'.repeat(3 * 1024 * 1024)}\n`,
      // Not UTF-8 and no role, no checklist name: out of scope.
      'src/util/latin.ts': Buffer.from('export const caf\xe9 = 1;\n', 'latin1'),
    });
    const report = await runAudit({ root });
    expect(report.unanalysed.map((u) => [u.file, u.kind])).toEqual([
      ['src/core/ws/big.ts', 'too-large'],
      ['src/modules/deep/deep.service.ts', 'parse-failed'],
    ]);
    expect(report.diagnostics.map((d) => d.file)).toEqual(expect.arrayContaining(['src/vendor/blob.js', 'src/util/latin.ts']));
    const gate = evaluateGate(report, { minScore: 0 });
    expect([gate.pass, gate.unanalysed]).toEqual([false, 2]);

    writeFileSync(
      path.join(root, 'outbox.config.json'),
      JSON.stringify({
        checklist: { profile: 'seed' },
        unanalysable: [
          { path: 'src/modules/deep/deep.service.ts', reason: 'generated table, reviewed by hand' },
          { path: 'src/core/ws/big.ts', reason: 'bundled build of the WebSocket layer' },
          { path: 'src/gone.ts', reason: 'stale' },
        ],
      }),
    );
    const accepted = await runAudit({ root });
    expect(accepted.unanalysed.map((u) => u.accepted)).toEqual(['bundled build of the WebSocket layer', 'generated table, reviewed by hand']);
    expect(accepted.summary.unanalysed).toBe(0);
    expect(accepted.warnings).toEqual([expect.stringMatching(/unanalysable: "src\/gone\.ts" was analysed \(or is not in the tree\)/)]);
    const passed = evaluateGate(accepted, { minScore: 0 });
    expect([passed.pass, passed.unanalysed]).toEqual([true, 0]);
    expect(passed.summary).toMatch(/2 unanalysable file\(s\) accepted by the config/);
  });

  it('bounds depth and path length: a folder too deep or a path too long is reported and fails closed', async () => {
    const root = makeProject({ 'src/modules/orders/order.service.ts': ORDER_SERVICE });
    let deep = path.join(root, 'src');
    for (let i = 0; i < MAX_FOLDER_DEPTH + 5; i++) deep = path.join(deep, 'd');
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(deep, 'x.service.ts'), ORDER_SERVICE);
    const longDir = path.join(root, 'long', ...Array.from({ length: Math.ceil(MAX_PATH_LENGTH / 200) + 1 }, (_, i) => `${i}`.padEnd(200, 'n')));
    mkdirSync(longDir, { recursive: true });
    writeFileSync(path.join(longDir, 'y.service.ts'), ORDER_SERVICE);
    const report = await runAudit({ root });
    const kinds = report.unanalysed.map((u) => u.kind);
    expect(kinds).toContain('folder-too-deep');
    expect(kinds).toContain('path-too-long');
    expect(report.unanalysed.find((u) => u.kind === 'folder-too-deep')!.file.split('/')).toHaveLength(MAX_FOLDER_DEPTH + 1);
    expect(report.operations.map((o) => o.file)).toEqual(['src/modules/orders/order.service.ts', 'src/modules/orders/order.service.ts']);
  });

  it('keeps config paths inside the root: a workflows folder reached through a link out of it is a ConfigError', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'outbox-wf-outside-'));
    mkdirSync(path.join(outside, 'workflows'));
    writeFileSync(path.join(outside, 'workflows/x.yml'), 'on: pull_request\n');
    const root = makeProject({ 'src/modules/orders/order.service.ts': ORDER_SERVICE });
    symlinkSync(outside, path.join(root, '.github'));
    await expect(runAudit({ root })).rejects.toThrow(ConfigError);
    await expect(runAudit({ root })).rejects.toThrow(/checklist\.workflowsDir: ".github\/workflows" leads outside the audited root/);
    const other = makeProject({ 'outbox.config.json': JSON.stringify({ checklist: { workflowsDir: '../..' } }) });
    await expect(runAudit({ root: other })).rejects.toThrow(/checklist\.workflowsDir: must stay inside the audited root/);
    // A workflow file that is a link out of the root is not read; the others are.
    const third = makeProject({ '.github/workflows/ok.yml': 'name: ok\non: pull_request\njobs: {}\n' });
    symlinkSync(path.join(outside, 'workflows/x.yml'), path.join(third, '.github/workflows/linked.yml'));
    const report = await runAudit({ root: third });
    const prExists = report.checklist.find((c) => c.id === 'pr-lint-workflow-exists')!;
    expect(JSON.stringify(prExists)).not.toContain(outside);
  });
});
