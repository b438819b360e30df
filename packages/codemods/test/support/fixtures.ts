import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runTransforms } from '../../src/engine/run.js';
import type { CodemodOptions, Transform } from '../../src/engine/types.js';
import { OverlayWorkspace } from '../../src/engine/workspace.js';
import { SKIP_CODES } from '../../src/engine/skips.js';
import type { PartialSettings } from 'outbox-analysis';

/**
 * Fixture tests as files, discovered by a loop (a new case is a new pair of files, no new code):
 * - `<case>.input.ts` → `<case>.output.ts`; the first line may say where the file lives in the project,
 *   `// fixture: src/modules/orders/order.service.ts` (default: a service file). No output file = must stay unchanged.
 * - `<case>/input/**` → `<case>/output/**` for cases that span several files (a service and its router): `output/`
 *   holds only the files the transform changes or creates, every other file is expected as `input/` has it (no
 *   `output/` = nothing may change); a file named `x.ts.txt` stands for `x.ts` (for fixtures that must not parse, so
 *   linters skip them).
 * - `<case>.skips.json` (optional): the skips the transform must report, each a code of the catalogue (src/engine/skips.ts)
 *   or a substring of a reason; no file = no skip at all.
 * - `<case>/input/outbox.config.json` (optional): the settings of the case; `<case>/input/tsconfig.json`: the result is
 *   type-checked with it, in memory, as on a real project.
 * Every case runs twice: the second run must change nothing (idempotence).
 */
export function fixtureSuite(transform: Transform, fixturesDir: URL, options: Partial<CodemodOptions> = {}): void {
  const dir = fileURLToPath(fixturesDir);
  const cases = readdirSync(dir)
    .filter((name) => name.endsWith('.input.ts') || (statSync(path.join(dir, name)).isDirectory() && existsSync(path.join(dir, name, 'input'))))
    .map((name) => name.replace(/\.input\.ts$/, ''))
    .sort();
  const opts: CodemodOptions = { idempotency: 'store', todoComments: false, ...options };

  describe(`${transform.name} fixtures`, () => {
    it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
    for (const name of cases) {
      it(name, async () => {
        const { input, expected } = loadCase(dir, name);
        const settings = input.has('outbox.config.json') ? (JSON.parse(input.get('outbox.config.json')!) as PartialSettings) : {};
        const first = new OverlayWorkspace('/fixture', opts, settings, input);
        await runTransforms(first, [transform]);
        const output = new Map(input);
        for (const change of first.changes()) output.set(change.path, change.after);
        for (const [file, text] of expected) expect(output.get(file), file).toBe(text);
        expect([...output.keys()].sort()).toEqual([...expected.keys()].sort());

        const skipsFile = path.join(dir, `${name}.skips.json`);
        const wantedSkips = existsSync(skipsFile) ? (JSON.parse(readFileSync(skipsFile, 'utf8')) as string[]) : [];
        const reasons = first.skipped().map((s) => s.reason);
        const codes = first.skipped().map((s) => s.code);
        for (const wanted of wantedSkips) {
          if (wanted in SKIP_CODES) expect(codes, `skip code ${wanted} in ${JSON.stringify(first.skipped())}`).toContain(wanted);
          else expect(reasons.some((r) => r.includes(wanted)), `skip "${wanted}" in ${JSON.stringify(reasons)}`).toBe(true);
        }
        if (wantedSkips.length === 0) expect(reasons).toEqual([]);

        const second = new OverlayWorkspace('/fixture', opts, settings, output);
        await runTransforms(second, [transform]);
        expect(second.changes().map((c) => c.path), 'a second run must change nothing').toEqual([]);
      });
    }
  });
}

function loadCase(dir: string, name: string): { input: Map<string, string>; expected: Map<string, string> } {
  const single = path.join(dir, `${name}.input.ts`);
  if (existsSync(single)) {
    const text = readFileSync(single, 'utf8');
    const at = /^\/\/ fixture: (\S+)/.exec(text)?.[1] ?? 'src/modules/fixture/fixture.service.ts';
    const outFile = path.join(dir, `${name}.output.ts`);
    return { input: new Map([[at, text]]), expected: new Map([[at, existsSync(outFile) ? readFileSync(outFile, 'utf8') : text]]) };
  }
  const input = readTree(path.join(dir, name, 'input'));
  // `output/` holds what the transform changes or creates; a file it does not hold is expected as `input/` has it.
  const expected = new Map(input);
  const output = path.join(dir, name, 'output');
  if (existsSync(output)) for (const [file, text] of readTree(output)) expected.set(file, text);
  return { input, expected };
}

function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (abs: string, rel: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(abs, entry.name), childRel);
      // `x.ts.txt` is loaded as `x.ts`: a fixture that must not parse is stored so that linters do not parse it either.
      else files.set(childRel.replace(/\.ts\.txt$/, '.ts'), readFileSync(path.join(abs, entry.name), 'utf8'));
    }
  };
  walk(root, '');
  return files;
}
