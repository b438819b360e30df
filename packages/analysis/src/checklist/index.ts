export * from './settings.js';
export * from './workflow.js';
export * from './profiles.js';
export * from './items.js';
export { CHECKS } from './checks/index.js';
export { CHECK_DOCS_BASE, routerCallNames, type Check, type CheckOutcome, type ChecklistContext, type ChecklistDetail, type RouterCallNames } from './check.js';
