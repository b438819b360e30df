export * from './settings.js';
export * from './workflow.js';
export * from './items.js';
