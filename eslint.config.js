// This repository lints itself with its own plugin. The plugin is TypeScript, so this file imports its build:
// run `npm run build` (tsc -b) before `npm run lint`.
//
// The reference runtime is the seed's backend in its legacy state, non-compliant by design: `npm run lint` reports
// its 109 non-compliant operations and its routers' DB calls until the PR-check baseline lands. Until then
// packages/eslint-plugin-outbox/test/runtime-findings.test.ts pins those findings to exactly the legacy gaps.
import outbox from './packages/eslint-plugin-outbox/dist/index.js';

export default [
  { ignores: ['**/dist/**', '**/coverage/**', '**/.pglite/**', '.tmp/**'] },
  { ...outbox.configs.recommended, files: ['packages/reference-runtime/src/**/*.ts'] },
];
