import { afterEach, describe, expect, it } from 'vitest';
import { AIProvider, AIProviderError, type AIRequest } from '../../src/ai/orchestrators/base.js';
import { OfflineProvider } from '../../src/ai/orchestrators/offline-provider.js';
import { OpenAICompatibleAdapter, parseScoredAnswer } from '../../src/ai/orchestrators/openai-adapter.js';
import { completion, json, startCompletionsServer, type CompletionsServer } from './completions-server.js';

const request: AIRequest = {
  task: 'risk_assessment',
  prompt: 'Should this trade go ahead?',
  context: { creditHeadroom: 0.35, blocked: false },
  baselineScore: 0.58,
};

const servers: CompletionsServer[] = [];
const serve = async (...args: Parameters<typeof startCompletionsServer>) => {
  const server = await startCompletionsServer(...args);
  servers.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('OpenAICompatibleAdapter', () => {
  it('sends a chat completion and reads the scored answer', async () => {
    const server = await serve((req, res) =>
      json(res, 200, completion('{"score": 0.71, "confidence": 0.9, "rationale": "headroom is thin but positive"}')),
    );
    const adapter = new OpenAICompatibleAdapter({ baseUrl: server.baseUrl, apiKey: 'sk-test', model: 'risk-model', fallback: null });

    const answer = await adapter.execute(request);

    expect(answer).toMatchObject({
      provider: AIProvider.OPENAI_COMPATIBLE,
      model: 'test-model-1',
      score: 0.71,
      confidence: 0.9,
      usage: { promptTokens: 42, completionTokens: 17 },
    });
    expect(answer.fallback).toBeUndefined();
    expect(server.requests).toHaveLength(1);
    const [sent] = server.requests;
    expect(sent).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
    expect(sent!.headers.authorization).toBe('Bearer sk-test');
    const body = sent!.body as { model: string; temperature: number; messages: { role: string; content: string }[] };
    expect(body.model).toBe('risk-model');
    expect(body.temperature).toBe(0);
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(body.messages[1]!.content).toContain('Should this trade go ahead?');
    expect(body.messages[1]!.content).toContain('"creditHeadroom":0.35');
    expect(body.messages[1]!.content).toContain('0.58');
  });

  it('falls back to the offline provider when the endpoint answers 500', async () => {
    const server = await serve((req, res) => json(res, 500, { error: { message: 'upstream overloaded' } }));
    const adapter = new OpenAICompatibleAdapter({ baseUrl: server.baseUrl });

    const answer = await adapter.execute(request);

    expect(server.requests).toHaveLength(1);
    expect(answer.provider).toBe(AIProvider.OFFLINE);
    expect(answer.score).toBe(0.58);
    expect(answer.fallback).toEqual({ from: AIProvider.OPENAI_COMPATIBLE, reason: expect.stringContaining('HTTP 500') });
  });

  it('lets the failure through when no fallback is configured', async () => {
    const server = await serve((req, res) => json(res, 503, {}));
    const adapter = new OpenAICompatibleAdapter({ baseUrl: server.baseUrl, fallback: null });

    const failure = await adapter.execute(request).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AIProviderError);
    expect(failure).toMatchObject({ provider: AIProvider.OPENAI_COMPATIBLE, status: 503 });

    // The caller can still choose a fallback per call.
    const answer = await adapter.executeWithFallback(request, new OfflineProvider());
    expect(answer.provider).toBe(AIProvider.OFFLINE);
    expect(answer.fallback?.reason).toContain('HTTP 503');
  });

  it.each([
    { name: 'a completion without choices', respond: { choices: [] }, reason: 'malformed completion' },
    { name: 'a body that is not JSON', respond: 'not json', reason: '127.0.0.1' },
  ])('falls back on $name', async ({ respond, reason }) => {
    const server = await serve((req, res) =>
      typeof respond === 'string' ? res.writeHead(200).end(respond) : json(res, 200, respond),
    );
    const answer = await new OpenAICompatibleAdapter({ baseUrl: server.baseUrl }).execute(request);
    expect(answer.provider).toBe(AIProvider.OFFLINE);
    expect(answer.fallback?.reason).toContain(reason);
  });

  it('times out a server that never answers, then falls back', async () => {
    const server = await serve(() => undefined);
    const adapter = new OpenAICompatibleAdapter({ baseUrl: server.baseUrl, timeoutMs: 150 });

    // The server never answers: execute returns at all only because the adapter gives up at its timeout.
    const answer = await adapter.execute(request);

    expect(answer.provider).toBe(AIProvider.OFFLINE);
    expect(answer.fallback?.reason).toContain('did not answer within 150 ms');
  });

  it('falls back when nothing listens', async () => {
    const server = await serve((req, res) => json(res, 200, {}));
    const { baseUrl } = server;
    await servers.pop()!.close();
    const answer = await new OpenAICompatibleAdapter({ baseUrl, timeoutMs: 2_000 }).execute(request);
    expect(answer.provider).toBe(AIProvider.OFFLINE);
    expect(answer.fallback?.from).toBe(AIProvider.OPENAI_COMPATIBLE);
  });

  it('checks health on /models', async () => {
    const healthy = await serve((req, res) => (req.url === '/v1/models' ? json(res, 200, { data: [] }) : json(res, 404, {})));
    const sick = await serve((req, res) => json(res, 500, {}));
    await expect(new OpenAICompatibleAdapter({ baseUrl: healthy.baseUrl }).healthCheck()).resolves.toBe(true);
    await expect(new OpenAICompatibleAdapter({ baseUrl: sick.baseUrl }).healthCheck()).resolves.toBe(false);
    const { baseUrl } = sick;
    await servers.pop()!.close();
    await expect(new OpenAICompatibleAdapter({ baseUrl, timeoutMs: 1_000 }).healthCheck()).resolves.toBe(false);
    expect(healthy.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v1/models']);
  });

  it('is configured from the environment', () => {
    const adapter = OpenAICompatibleAdapter.fromEnv({ AI_BASE_URL: 'http://127.0.0.1:9/v1', AI_MODEL: 'llama-3.1-8b', AI_API_KEY: 'k' });
    expect(adapter.model).toBe('llama-3.1-8b');
    expect(() => OpenAICompatibleAdapter.fromEnv({})).toThrow(/AI_BASE_URL/);
    expect(() => new OpenAICompatibleAdapter({ baseUrl: 'file:///etc/passwd' })).toThrow(/http/);
  });
});

describe('parseScoredAnswer', () => {
  it.each([
    { content: '{"score": 0.4, "confidence": 0.8}', expected: { score: 0.4, confidence: 0.8 } },
    { content: 'Here you go:\n```json\n{"score": 0.66}\n```', expected: { score: 0.66, confidence: undefined } },
    { content: '{"score": 7}', expected: { score: undefined, confidence: undefined } },
    { content: 'The score is 0.5', expected: {} },
    { content: '{broken', expected: {} },
  ])('$content', ({ content, expected }) => {
    expect(parseScoredAnswer(content)).toEqual(expected);
  });
});
