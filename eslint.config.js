// This repository lints itself with its own plugin. The plugin is TypeScript, so this file imports its build:
// run `npm run build` (tsc -b) before `npm run lint`.
//
// One configuration for the editor, this lint and the audit: the settings come from the root outbox.config.json,
// which keeps the toolkit's own packages, test code and benchmarks out of scope (its fixtures are wrong on purpose),
// so what is left is the backend code of the repository: the reference runtime.
//
// The runtime is the seed's backend in its legacy state, non-compliant by design. Its known findings are held in
// eslint-suppressions.json (ESLint's bulk suppressions), so `eslint .` fails only on new ones; a fixed finding leaves
// an unused suppression, which also fails until `npx eslint . --prune-suppressions` drops it (docs/adopting.md).
import { fileURLToPath } from 'node:url';
import outbox, { settingsFromConfigFile } from './packages/eslint-plugin-outbox/dist/index.js';

export default [
  // Codemod fixtures are inputs and outputs of transforms, some of them deliberately broken TypeScript.
  { ignores: ['**/dist/**', '**/coverage/**', '**/.pglite/**', '.tmp/**', '**/__testfixtures__/**'] },
  { ...outbox.configs.recommended, settings: { outbox: settingsFromConfigFile(fileURLToPath(new URL('./outbox.config.json', import.meta.url))) } },
];
