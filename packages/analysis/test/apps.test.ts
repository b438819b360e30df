/**
 * The preset fixture apps (test/apps/<app>/, see test/apps/README.md): for each app, `detectPresets` must find the
 * presets its app.json names, and with those presets the analysis must report exactly the lines the app's markers
 * expect — every labelled positive, nothing on a trap, nothing on an unmarked line. A new app is a new folder; no
 * code changes here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeFile, classifyFile, detectPresets, PRESET_NAMES as PRESETS_AVAILABLE, resolveSettings } from '../src/index.js';
import { compareWithMarkers } from './support/expectations.js';
import { parseMarkers, type Marker } from './support/markers.js';

const APPS_DIR = fileURLToPath(new URL('./apps/', import.meta.url));
const PRESET_NAMES = new Set<string>(PRESETS_AVAILABLE);
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

interface AppManifest {
  description: string;
  presets: string[];
}

interface AppSource {
  /** Relative to the app root, `/`-separated: the path the analysis sees. */
  path: string;
  text: string;
}

const apps = readdirSync(APPS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

it('has fixture apps', () => {
  expect(apps.length).toBeGreaterThan(0);
});

describe.each(apps)('fixture app %s', (app) => {
  const root = join(APPS_DIR, app);
  const manifest = readManifest(root);
  const sources = listFiles(root)
    .filter((path) => SOURCE_FILE.test(path))
    .map((path): AppSource => ({ path, text: readFileSync(join(root, path), 'utf8') }));
  const label = (path: string) => `${app}/${path}`;

  it('app.json names known presets, sorted', () => {
    expect(manifest.description.trim()).not.toBe('');
    expect(manifest.presets.filter((name) => !PRESET_NAMES.has(name))).toEqual([]);
    expect(manifest.presets).toEqual([...manifest.presets].sort());
  });

  it('every source file parses as TypeScript (or JavaScript)', () => {
    const problems = sources.flatMap((source) => parseProblems(source).map((problem) => `${label(source.path)}${problem}`));
    expect(problems).toEqual([]);
  });

  it('has well-formed markers, enough of each kind', () => {
    const problems: string[] = [];
    const all: Marker[] = [];
    for (const source of sources) {
      try {
        all.push(...parseMarkers(source.text, label(source.path)));
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    expect(problems).toEqual([]);
    // The floor every app keeps (FIXTURE-SPEC.md): positives of each kind, traps, one outbox write and one dual write.
    const count = (predicate: (marker: Marker) => boolean) => all.filter(predicate).length;
    expect(count((marker) => marker.kind === 'operation')).toBeGreaterThanOrEqual(5);
    expect(count((marker) => marker.kind === 'router-db-call')).toBeGreaterThanOrEqual(2);
    expect(count((marker) => marker.kind === 'none')).toBeGreaterThanOrEqual(5);
    expect(count((marker) => marker.flags.event === true)).toBeGreaterThanOrEqual(1);
    expect(count((marker) => marker.flags.event === false)).toBeGreaterThanOrEqual(1);
  });

  it('detectPresets finds the presets of app.json', async () => {
    const detected = await detectPresets(root);
    expect(detected.presets).toEqual(manifest.presets);
  });

  it('reports exactly what the markers expect', () => {
    const settings = resolveSettings({ presets: manifest.presets });
    const problems: string[] = [];
    for (const source of sources) {
      const { ignored } = classifyFile(source.path, settings);
      let markers: Marker[];
      try {
        markers = parseMarkers(source.text, label(source.path));
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
        continue;
      }
      if (ignored) {
        // An ignored file (a compiled copy under dist/) is never analysed: a marker in it could never be met.
        if (markers.length > 0) problems.push(`${label(source.path)} — markers in a file the settings ignore`);
        continue;
      }
      problems.push(...compareWithMarkers(label(source.path), markers, analyzeFile(source.path, source.text, settings)));
    }
    expect(problems).toEqual([]);
  });
});

function readManifest(root: string): AppManifest {
  const path = join(root, 'app.json');
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<AppManifest>;
  if (typeof parsed.description !== 'string' || !Array.isArray(parsed.presets) || !parsed.presets.every((name) => typeof name === 'string')) {
    throw new Error(`${path}: expected { "description": string, "presets": string[] }`);
  }
  return { description: parsed.description, presets: parsed.presets };
}

/** Every file under `root` (dot-folders too: `.next/` is a trap), relative and `/`-separated, sorted. */
function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** The file's syntax errors, each as `:<line> — parse error: <message>`. */
function parseProblems(source: AppSource): string[] {
  const kind = /\.[cm]?js$/.test(source.path) ? ts.ScriptKind.JS : /\.jsx$/.test(source.path) ? ts.ScriptKind.JSX : /\.tsx$/.test(source.path) ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sourceFile = ts.createSourceFile(source.path, source.text, ts.ScriptTarget.Latest, false, kind);
  // Not in TypeScript's public typings, but every parsed SourceFile carries it.
  const diagnostics = (sourceFile as ts.SourceFile & { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diagnostics.map((diagnostic) => {
    const line = diagnostic.start === undefined ? '' : `:${sourceFile.getLineAndCharacterOfPosition(diagnostic.start).line + 1}`;
    return `${line} — parse error: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
  });
}

describe('the README lists every preset', () => {
  it('has one row per preset', async () => {
    const { PRESET_NAMES } = await import('../src/index.js');
    const readme = (await import('node:fs')).readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const listed = [...readme.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]);
    expect(listed).toEqual([...PRESET_NAMES]);
  });
});
