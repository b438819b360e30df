import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PackageInfo, ProjectLayout } from './classify.js';
import type { FileDiagnostic } from './types.js';

/**
 * Where the packages are, for module names (`moduleOf`: the nearest package's name and the folder). The audit reads
 * every package.json its discovery found; the ESLint rules and the codemods read those above the one file they look
 * at. Both read them here, so a file's module is named the same on every surface.
 */

/** The package of a folder, from its package.json text: its `name`, when it has one. Throws on JSON that does not parse. */
export function packageInfo(dir: string, packageJson: string): PackageInfo {
  const parsed = JSON.parse(packageJson) as { name?: unknown } | null;
  const name = typeof parsed?.name === 'string' && parsed.name.trim() !== '' ? parsed.name.trim() : undefined;
  return { dir, ...(name ? { name } : {}) };
}

/**
 * The packages of the audited tree, from the folders with a package.json (relative to `root`, '' for the root). A
 * package.json that cannot be read is a diagnostic; its folder's modules are then named as if it were not there.
 */
export function readProjectLayout(root: string, packageDirs: string[]): { layout: ProjectLayout; diagnostics: FileDiagnostic[] } {
  const diagnostics: FileDiagnostic[] = [];
  const packages = packageDirs.flatMap((dir) => {
    const file = dir ? `${dir}/package.json` : 'package.json';
    try {
      return [packageInfo(dir, readFileSync(path.join(root, file), 'utf8'))];
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      diagnostics.push({ file, message: `package.json not read (${why}): modules under ${dir || 'the root'} are named without their package` });
      return [];
    }
  });
  return { layout: { packages }, diagnostics };
}

/**
 * The packages above one file (a path relative to the root, with `/`): every folder from the file's up to the root
 * whose package.json `read` returns (undefined: none there). A package.json that does not parse is passed over, as
 * the audit names such a folder's modules.
 */
export function layoutAbove(file: string, read: (packageJsonPath: string) => string | undefined): ProjectLayout {
  const packages: PackageInfo[] = [];
  const segments = file.split('/').slice(0, -1);
  for (let n = segments.length; n >= 0; n--) {
    const dir = segments.slice(0, n).join('/');
    if (dir.startsWith('/') || segments.slice(0, n).includes('..')) continue;
    const text = read(dir ? `${dir}/package.json` : 'package.json');
    if (text === undefined) continue;
    try {
      packages.push(packageInfo(dir, text));
    } catch {
      // named as if it were not there (the audit says so in a diagnostic)
    }
  }
  return { packages };
}

/**
 * `layoutAbove` on the disk under `root`, each folder's package.json read once per root (an editor or a lint run asks
 * for the same folders again and again).
 */
export function diskLayout(root: string): (file: string) => ProjectLayout {
  let cache = diskCaches.get(root);
  if (!cache) {
    cache = new Map();
    diskCaches.set(root, cache);
  }
  const texts = cache;
  return (file) =>
    layoutAbove(file, (packageJson) => {
      if (!texts.has(packageJson)) {
        let text: string | null = null;
        try {
          text = readFileSync(path.join(root, packageJson), 'utf8');
        } catch {
          // no package.json in this folder (or unreadable: named without it, like the audit)
        }
        texts.set(packageJson, text);
      }
      return texts.get(packageJson) ?? undefined;
    });
}

const diskCaches = new Map<string, Map<string, string | null>>();
