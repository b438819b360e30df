import { describe, expect, it } from 'vitest';
import { AIProvider, type AIRequest, type AIResponse } from '../../src/ai/orchestrators/base.js';
import { OfflineProvider } from '../../src/ai/orchestrators/offline-provider.js';

const withoutTiming = ({ latencyMs, ...rest }: AIResponse) => {
  expect(latencyMs).toBeGreaterThanOrEqual(0);
  return rest;
};

describe('OfflineProvider', () => {
  const provider = new OfflineProvider();

  it('answers the same request the same way every time', async () => {
    const request: AIRequest = {
      task: 'match_scoring',
      prompt: 'Is this match worth proposing?',
      context: { quantity: 0.8, price: 0.55, location: 0.6 },
      baselineScore: 0.6214,
    };
    const answers = await Promise.all([provider.execute(request), provider.execute(request), provider.execute({ ...request })]);
    const [first, ...rest] = answers.map(withoutTiming);
    for (const other of rest) expect(other).toEqual(first);
    expect(first).toMatchObject({ provider: AIProvider.OFFLINE, model: 'offline-heuristic-1', score: 0.6214 });
    expect(first!.fallback).toBeUndefined();
  });

  it.each([
    { name: 'keeps a baseline as the score', request: { baselineScore: 0.3 }, score: 0.3, confidence: 0.7 },
    { name: 'is unsure right at the middle', request: { baselineScore: 0.5 }, score: 0.5, confidence: 0.5 },
    { name: 'averages the normalised signals of the context', request: { context: { a: 0.2, b: 0.6, amount: 125000, label: 'x' } }, score: 0.4, confidence: 0.6 },
    { name: 'is neutral without any signal', request: { context: { amount: 125000 } }, score: 0.5, confidence: 0.5 },
  ])('$name', async ({ request, score, confidence }) => {
    const answer = await provider.execute({ task: 'risk_assessment', prompt: 'Assess.', ...request });
    expect(answer.score).toBe(score);
    expect(answer.confidence).toBe(confidence);
    expect(JSON.parse(answer.content)).toMatchObject({ score, confidence });
  });

  it('does not depend on the order of the context keys', async () => {
    const a = await provider.execute({ task: 'general', prompt: 'p', context: { x: 0.1, y: 0.7, z: 0.35 } });
    const b = await provider.execute({ task: 'general', prompt: 'p', context: { z: 0.35, x: 0.1, y: 0.7 } });
    expect(withoutTiming(a)).toEqual(withoutTiming(b));
  });

  it('differs when the request differs', async () => {
    const low = await provider.execute({ task: 'credit_limit', prompt: 'p', baselineScore: 0.2 });
    const high = await provider.execute({ task: 'credit_limit', prompt: 'p', baselineScore: 0.9 });
    expect(low.score).not.toBe(high.score);
  });

  it('rejects requests no provider could answer', async () => {
    await expect(provider.execute({ task: 'general', prompt: '  ' })).rejects.toThrow(/prompt/);
    await expect(provider.execute({ task: 'general', prompt: 'p', baselineScore: 1.5 })).rejects.toThrow(/baselineScore/);
    await expect(provider.execute({ task: 'general', prompt: 'p', maxTokens: 0 })).rejects.toThrow(/maxTokens/);
  });

  it('is always healthy', async () => {
    await expect(provider.healthCheck()).resolves.toBe(true);
  });
});
