import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FileDiagnostic, ProjectLayout } from 'outbox-analysis/core';

/**
 * The packages of the audited tree, from the package.json files discovery found: the analysis names a module after
 * its nearest package and folder (`@acme/api/services`), so two packages' `services` folders are two modules. A
 * package.json that cannot be read is a diagnostic; its folder's modules are then named as if it were not there.
 */
export function readProjectLayout(root: string, packageDirs: string[]): { layout: ProjectLayout; diagnostics: FileDiagnostic[] } {
  const diagnostics: FileDiagnostic[] = [];
  const packages = packageDirs.flatMap((dir) => {
    const file = dir ? `${dir}/package.json` : 'package.json';
    try {
      const parsed = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as { name?: unknown };
      const name = typeof parsed?.name === 'string' && parsed.name.trim() !== '' ? parsed.name.trim() : undefined;
      return [{ dir, ...(name ? { name } : {}) }];
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      diagnostics.push({ file, message: `package.json not read (${why}): modules under ${dir || 'the root'} are named without their package` });
      return [];
    }
  });
  return { layout: { packages }, diagnostics };
}
