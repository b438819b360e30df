/**
 * The packages of the audited tree, from the package.json files discovery found: the analysis names a module after
 * its nearest package and folder (`@acme/api/services`), so two packages' `services` folders are two modules. The
 * reading lives in the analysis, where the ESLint rules and the codemods read the same files the same way.
 */
export { readProjectLayout } from 'outbox-analysis/core';
