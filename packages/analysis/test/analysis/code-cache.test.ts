import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Each case is a fresh Node process: the cache acts once, when the analysis first loads TypeScript.
const analysis = fileURLToPath(new URL('../../src/', import.meta.url));
const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const work = mkdtempSync(path.join(tmpdir(), 'outbox-code-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SERVICE = `export class OrderService {
  constructor(private readonly db: Db) {}
  async cancel(id: string) {
    await this.db.execute('update orders set status = $1 where id = $2', ['cancelled', id]);
    await this.db.commit();
  }
}
`;

const PROBE = `
import { createRequire } from 'node:module';
import { enableTypeScriptCodeCache, typeScriptCodeCacheState } from ${JSON.stringify(path.join(analysis, 'core.ts'))};
const dir = process.env.PROBE_DIR;
enableTypeScriptCodeCache(dir === 'off' ? false : dir);
const { analyzeFile, resolveSettings } = await import(${JSON.stringify(path.join(analysis, 'index.ts'))});
const { default: ts } = await import(${JSON.stringify(path.join(analysis, 'typescript.ts'))});
const facts = analyzeFile('src/modules/orders/order.service.ts', process.env.PROBE_SOURCE, resolveSettings({}));
const required = createRequire(${JSON.stringify(path.join(analysis, 'typescript.ts'))})('typescript');
console.log(JSON.stringify({
  state: typeScriptCodeCacheState(),
  operations: facts.operations.map((o) => [o.className, o.method, o.flags]),
  sameInstance: required === ts,
}));
`;
const probeFile = path.join(work, 'probe.mts');
writeFileSync(probeFile, PROBE);

function probe(dir: string, env: Record<string, string> = {}): { state: string; operations: unknown[]; sameInstance: boolean } {
  const out = execFileSync(process.execPath, ['--import', tsxLoader, probeFile], {
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', ...env, PROBE_DIR: dir, PROBE_SOURCE: SERVICE },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe('TypeScript code cache', () => {
  it('compiles and writes on the first start, is used on the next, and is rebuilt when V8 rejects it', () => {
    const dir = path.join(work, 'cache');
    const first = probe(dir);
    expect(first.state).toBe('compiled');
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^typescript-[0-9a-f]{24}\.bin$/);

    const second = probe(dir);
    expect(second.state).toBe('used');
    // The cache changes how the compiler is loaded, never what the analysis finds.
    expect(second.operations).toEqual(first.operations);
    expect(second.operations).toHaveLength(1);
    // Registered as the `typescript` module: nothing else in the process loads a second copy.
    expect(second.sameInstance).toBe(true);

    writeFileSync(path.join(dir, files[0]!), 'not V8 data');
    expect(probe(dir).state).toBe('rejected');
    expect(probe(dir).state).toBe('used');
  });

  it('keeps the files of the eight most recently used installs of TypeScript', () => {
    const dir = path.join(work, 'pruned');
    mkdirSync(dir, { mode: 0o700 });
    const old = new Date(Date.now() - 86_400_000);
    for (let i = 0; i < 10; i++) {
      const file = path.join(dir, `typescript-${String(i).padStart(24, '0')}.bin`);
      writeFileSync(file, 'from another install', { mode: 0o600 });
      utimesSync(file, old, new Date(old.getTime() + i * 1000));
    }
    expect(probe(dir).state).toBe('compiled');
    const left = readdirSync(dir).sort();
    expect(left).toHaveLength(8);
    // The new file and the seven newest of the others; the oldest three are gone.
    expect(left.filter((name) => name.startsWith('typescript-0000')).map((name) => Number(name.slice(11, 35)))).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('is off when not turned on, and under NODE_DISABLE_COMPILE_CACHE', () => {
    expect(probe('off').state).toBe('off');
    const dir = path.join(work, 'disabled');
    expect(probe(dir, { NODE_DISABLE_COMPILE_CACHE: '1' }).state).toBe('off');
    expect(() => readdirSync(dir)).toThrow();
  });

  it('neither reads nor writes a folder that others can write to', () => {
    const dir = path.join(work, 'shared');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(probe(dir).state).toBe('compiled');
    expect(readdirSync(dir)).toEqual([]);
    // A cache file planted there is not read either.
    chmodSync(dir, 0o700);
    probe(dir);
    const [file] = readdirSync(dir);
    expect(file).toBeDefined();
    chmodSync(dir, 0o777);
    expect(probe(dir).state).toBe('compiled');
  });

  it('keeps working when the folder cannot be written', () => {
    const blocked = path.join(work, 'blocked');
    writeFileSync(blocked, 'a file where the folder would go');
    const dir = path.join(blocked, 'cache');
    const run = probe(dir);
    expect(run.state).toBe('compiled');
    expect(run.operations).toHaveLength(1);
    expect(probe(dir).state).toBe('compiled');
  });
});
