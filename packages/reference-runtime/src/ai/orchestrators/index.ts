export * from './base.js';
export { OfflineProvider } from './offline-provider.js';
export { OpenAICompatibleAdapter, parseScoredAnswer, DEFAULT_MODEL, DEFAULT_TIMEOUT_MS, type OpenAIAdapterOptions } from './openai-adapter.js';
export { createOrchestrator, getOrchestrator, resetOrchestrator } from './factory.js';
