import type { BaseAIOrchestrator } from './base.js';
import { OfflineProvider } from './offline-provider.js';
import { OpenAICompatibleAdapter } from './openai-adapter.js';

let instance: BaseAIOrchestrator | undefined;

/**
 * Picks the provider from the environment: the OpenAI-compatible adapter (with the offline provider as its fallback)
 * when AI_BASE_URL is set, the offline provider otherwise, so a fresh checkout needs no key and no network.
 */
export function createOrchestrator(env: NodeJS.ProcessEnv = process.env): BaseAIOrchestrator {
  return env.AI_BASE_URL?.trim() ? OpenAICompatibleAdapter.fromEnv(env) : new OfflineProvider();
}

/** The process-wide orchestrator, created on first use from `process.env`. */
export function getOrchestrator(): BaseAIOrchestrator {
  instance ??= createOrchestrator();
  return instance;
}

/** Forgets the singleton so the next `getOrchestrator()` reads the environment again (tests, config reloads). */
export function resetOrchestrator(): void {
  instance = undefined;
}
