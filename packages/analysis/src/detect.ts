import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { PRESETS } from './presets/index.js';
import { DEFAULT_SETTINGS } from './settings.js';

/**
 * Which presets a codebase is written on, from what it depends on: every package.json in the tree (dependencies of
 * any kind) and the imports of its router and service files. `outbox-audit init` writes the result to the config.
 */

export interface PresetEvidence {
  preset: string;
  /** `package.json` (relative to the root) or `file:line` of an import. */
  where: string;
  /** The dependency or import specifier that switched it on. */
  enabler: string;
}

export interface PresetDetection {
  /** Sorted preset names. */
  presets: string[];
  evidence: PresetEvidence[];
}

/** Folders never looked into: installs, builds, version control. */
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'build', 'coverage', '.next', '.turbo', '.cache', 'out', 'vendor']);
/** Data-access presets that run on node-postgres as their driver: with one of them, `pg` is not a stack of its own. */
const PG_DRIVEN = new Set(['typeorm', 'sequelize', 'mikro-orm', 'medusa', 'knex', 'drizzle', 'kysely', 'prisma']);
/** NestJS runs on Express or Fastify: with it, their routes are Nest's. */
const NEST_PLATFORMS = new Set(['express', 'fastify']);
const SOURCE = /\.(?:ts|mts|cts|js|mjs|cjs|tsx|jsx)$/;
const IMPORT = /(?:^|\n)\s*(?:import\s+(?!type\s)[^'"\n;]*?from\s*|import\s*|export\s+[^'"\n;]*?from\s*)['"]([^'"\n]+)['"]|require\(\s*['"]([^'"\n]+)['"]\s*\)/g;
const MAX_FILES = 200_000;
const MAX_BYTES = 1024 * 1024;

const enablerOwner = new Map<string, string>();
for (const preset of PRESETS) for (const enabler of preset.enablers) enablerOwner.set(enabler, preset.name);

function presetOfSpecifier(specifier: string): { preset: string; enabler: string } | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const preset = enablerOwner.get(name);
  return preset ? { preset, enabler: name } : undefined;
}

/** Walks `root` (links are not followed) and returns the presets its packages and imports name. */
export function detectPresets(root: string): PresetDetection {
  const evidence: PresetEvidence[] = [];
  const seen = new Set<string>();
  const note = (preset: string, where: string, enabler: string) => {
    if (seen.has(`${preset}\0${where}`)) return;
    seen.add(`${preset}\0${where}`);
    evidence.push({ preset, where, enabler });
  };
  const roleGlobs = [...DEFAULT_SETTINGS.routerFiles, ...DEFAULT_SETTINGS.serviceFiles, ...PRESETS.flatMap((preset) => [...(preset.routerFiles ?? []), ...(preset.serviceFiles ?? [])])];
  const hasRole = picomatch(roleGlobs, { dot: true });
  const skip = picomatch([...DEFAULT_SETTINGS.ignore, ...DEFAULT_SETTINGS.testFiles], { dot: true });

  let files = 0;
  const stack: string[] = [''];
  while (stack.length > 0 && files < MAX_FILES) {
    const relative = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(path.join(root, relative), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name) && !entry.name.startsWith('.')) stack.push(child);
        continue;
      }
      if (!entry.isFile()) continue;
      files++;
      if (entry.name === 'package.json') {
        for (const dependency of dependenciesOf(path.join(root, child))) {
          const found = presetOfSpecifier(dependency);
          if (found) note(found.preset, child, found.enabler);
        }
      } else if (SOURCE.test(entry.name) && hasRole(child) && !skip(child)) {
        for (const { specifier, line } of importsOf(path.join(root, child))) {
          const found = presetOfSpecifier(specifier);
          if (found) note(found.preset, `${child}:${line}`, found.enabler);
        }
      }
    }
  }
  const names = new Set(evidence.map((entry) => entry.preset));
  if ([...names].some((name) => PG_DRIVEN.has(name))) names.delete('node-postgres');
  if (names.has('nestjs')) for (const platform of NEST_PLATFORMS) names.delete(platform);
  return {
    presets: [...names].sort(),
    evidence: evidence.filter((entry) => names.has(entry.preset)).sort((a, b) => a.preset.localeCompare(b.preset) || a.where.localeCompare(b.where)),
  };
}

function dependenciesOf(file: string): string[] {
  try {
    if (statSync(file).size > MAX_BYTES) return [];
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const names: string[] = [];
    for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const list = manifest[key];
      if (list && typeof list === 'object') names.push(...Object.keys(list));
    }
    return names;
  } catch {
    return [];
  }
}

function importsOf(file: string): { specifier: string; line: number }[] {
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) return [];
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const found: { specifier: string; line: number }[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2];
    if (specifier === undefined) continue;
    const at = match.index + match[0].indexOf(specifier);
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
    found.push({ specifier, line });
  }
  return found;
}
