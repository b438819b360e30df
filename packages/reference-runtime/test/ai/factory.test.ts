import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AIProvider } from '../../src/ai/orchestrators/base.js';
import { createOrchestrator, getOrchestrator, resetOrchestrator } from '../../src/ai/orchestrators/factory.js';
import { OfflineProvider } from '../../src/ai/orchestrators/offline-provider.js';
import { OpenAICompatibleAdapter } from '../../src/ai/orchestrators/openai-adapter.js';

const KEYS = ['AI_BASE_URL', 'AI_API_KEY', 'AI_MODEL', 'AI_TIMEOUT_MS'] as const;

describe('the orchestrator factory', () => {
  let saved: Partial<Record<(typeof KEYS)[number], string>>;
  beforeEach(() => {
    saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
    for (const k of KEYS) delete process.env[k];
    resetOrchestrator();
  });
  afterEach(() => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    resetOrchestrator();
  });

  it('hands out one offline instance when no endpoint is configured', () => {
    const first = getOrchestrator();
    expect(first).toBeInstanceOf(OfflineProvider);
    expect(getOrchestrator()).toBe(first);
  });

  it('reads the environment again after a reset', async () => {
    const offline = getOrchestrator();
    process.env.AI_BASE_URL = 'http://127.0.0.1:9/v1';
    process.env.AI_MODEL = 'qwen2.5-7b';
    expect(getOrchestrator()).toBe(offline);

    resetOrchestrator();
    const remote = getOrchestrator();
    expect(remote).toBeInstanceOf(OpenAICompatibleAdapter);
    expect(remote.provider).toBe(AIProvider.OPENAI_COMPATIBLE);
    expect(remote.model).toBe('qwen2.5-7b');
    expect(getOrchestrator()).toBe(remote);
  });

  it('builds a fresh provider without touching the singleton', () => {
    const shared = getOrchestrator();
    const built = createOrchestrator({ AI_BASE_URL: '  ' });
    expect(built).toBeInstanceOf(OfflineProvider);
    expect(built).not.toBe(shared);
    expect(getOrchestrator()).toBe(shared);
  });
});
