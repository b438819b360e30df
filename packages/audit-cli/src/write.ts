import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './safe-fs.js';

/**
 * Writes an output the user named (`-o`, `--sarif`, `--write-baseline`): creates its folder first, as a user expects of
 * an output path (`-o reports/outbox.html` in a fresh checkout), then writes it exclusively and renames it into place
 * (safe-fs.ts), so a reader never sees half of it and nothing is written through a planted link.
 */
export function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic(file, text);
}
