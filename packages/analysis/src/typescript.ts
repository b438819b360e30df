import type TS from 'typescript';
import { loadTypeScript } from './code-cache.js';

/**
 * The TypeScript compiler, loaded through `require`. TypeScript ships as one CommonJS file of about 9 MB without a
 * package `type`; importing it from an ES module makes Node sniff its format and scan it for export names before it
 * even compiles it, which costs 0.3–0.8 s per thread on these machines (the audit's workers each pay it; so does ESLint
 * on every start). `require` skips both, and the command-line tools add a code cache on top (./code-cache.ts). The
 * analysis files use this value for the compiler, and the type-only import `TS` for its types.
 */
const ts = loadTypeScript<typeof TS>(import.meta.url);

export default ts;
