import { performance } from 'node:perf_hooks';
import {
  AIProvider,
  AIProviderError,
  BaseAIOrchestrator,
  errorMessage,
  validateRequest,
  type AIRequest,
  type AIResponse,
  type AITask,
} from './base.js';
import { OfflineProvider } from './offline-provider.js';

export interface OpenAIAdapterOptions {
  /** Base URL of the API, including its version path: `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  apiKey?: string;
  model?: string;
  /** Per request, covering the connection, the wait and the body. */
  timeoutMs?: number;
  /** Answers when the endpoint fails. Defaults to the offline provider; `null` lets failures reach the caller. */
  fallback?: BaseAIOrchestrator | null;
  /** For tests and custom agents; the global fetch otherwise. */
  fetch?: typeof fetch;
}

export const DEFAULT_MODEL = 'gpt-4o-mini';
export const DEFAULT_TIMEOUT_MS = 10_000;

const SYSTEM_PROMPTS: Record<AITask, string> = {
  match_scoring:
    'You review matches between a buyer requirement and a seller availability on an Indian commodity-trading desk.',
  risk_assessment: 'You review counterparty and trade risk for an Indian commodity-trading desk.',
  credit_limit: 'You review trade credit limits for counterparties of an Indian commodity-trading desk.',
  general: 'You assist the operators of an Indian commodity-trading desk.',
};

const ANSWER_FORMAT =
  'Answer with a single JSON object and nothing else: {"score": number in [0,1], "confidence": number in [0,1], "rationale": string}.';

/** The parts of a chat-completions response this adapter reads. */
interface ChatCompletion {
  model?: string;
  choices?: { message?: { content?: unknown } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

const unit = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;

/** Reads `{score, confidence}` out of a model's answer, tolerating a Markdown code fence around the JSON. */
export function parseScoredAnswer(content: string): { score?: number; confidence?: number } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(content);
  const text = (fenced?.[1] ?? content).trim();
  if (!text.startsWith('{')) return {};
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return { score: unit(parsed.score), confidence: unit(parsed.confidence) };
  } catch {
    return {};
  }
}

/**
 * An OpenAI-compatible chat-completions client. Any failure (HTTP status, timeout, refused connection, a completion
 * without content) becomes an `AIProviderError`; with a fallback configured the caller gets the fallback's answer,
 * marked as such, so a flaky model never takes a business operation down with it.
 */
export class OpenAICompatibleAdapter extends BaseAIOrchestrator {
  readonly provider = AIProvider.OPENAI_COMPATIBLE;
  readonly model: string;
  private readonly baseUrl: URL;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private readonly fallback: BaseAIOrchestrator | null;
  private readonly fetchImpl: typeof fetch;

  constructor(options: OpenAIAdapterOptions) {
    super();
    // A trailing slash makes `new URL('chat/completions', base)` append instead of replacing the last segment.
    this.baseUrl = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    if (this.baseUrl.protocol !== 'http:' && this.baseUrl.protocol !== 'https:') {
      throw new TypeError(`AI base URL must be http(s), got ${this.baseUrl.protocol}`);
    }
    this.apiKey = options.apiKey || undefined;
    this.model = options.model || DEFAULT_MODEL;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fallback = options.fallback === undefined ? new OfflineProvider() : options.fallback;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Reads AI_BASE_URL, AI_API_KEY, AI_MODEL and AI_TIMEOUT_MS. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): OpenAICompatibleAdapter {
    const baseUrl = env.AI_BASE_URL?.trim();
    if (!baseUrl) throw new TypeError('AI_BASE_URL is not set');
    const timeout = Number(env.AI_TIMEOUT_MS);
    return new OpenAICompatibleAdapter({
      baseUrl,
      apiKey: env.AI_API_KEY,
      model: env.AI_MODEL,
      timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
    });
  }

  async execute(request: AIRequest): Promise<AIResponse> {
    validateRequest(request);
    try {
      return await this.complete(request);
    } catch (error) {
      if (!this.fallback) throw error;
      return this.answerFrom(this.fallback, request, error);
    }
  }

  async healthCheck(): Promise<boolean> {
    try {
      const res = await this.fetchImpl(new URL('models', this.baseUrl), {
        headers: this.headers(),
        signal: AbortSignal.timeout(Math.min(this.timeoutMs, 5_000)),
      });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }

  private headers(): Record<string, string> {
    return {
      accept: 'application/json',
      'content-type': 'application/json',
      ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
    };
  }

  private userMessage(request: AIRequest): string {
    const parts = [request.prompt.trim()];
    if (request.baselineScore !== undefined) parts.push(`Rule-based score to review: ${request.baselineScore}.`);
    if (request.context && Object.keys(request.context).length > 0) {
      parts.push(`Facts (JSON): ${JSON.stringify(request.context)}`);
    }
    if (request.task !== 'general') parts.push(ANSWER_FORMAT);
    return parts.join('\n\n');
  }

  private async complete(request: AIRequest): Promise<AIResponse> {
    const started = performance.now();
    const url = new URL('chat/completions', this.baseUrl);
    let completion: ChatCompletion;
    try {
      const res = await this.fetchImpl(url, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify({
          model: this.model,
          messages: [
            { role: 'system', content: SYSTEM_PROMPTS[request.task] },
            { role: 'user', content: this.userMessage(request) },
          ],
          // Scoring wants the same answer for the same facts, so no sampling unless the caller asks for it.
          temperature: request.temperature ?? 0,
          max_tokens: request.maxTokens ?? 256,
        }),
        redirect: 'error',
        signal: AbortSignal.timeout(request.timeoutMs ?? this.timeoutMs),
      });
      if (!res.ok) {
        await res.body?.cancel();
        throw new AIProviderError(this.provider, `${url.host} answered HTTP ${res.status}`, res.status);
      }
      completion = (await res.json()) as ChatCompletion;
    } catch (error) {
      if (error instanceof AIProviderError) throw error;
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new AIProviderError(
        this.provider,
        timedOut ? `${url.host} did not answer within ${request.timeoutMs ?? this.timeoutMs} ms` : `${url.host}: ${errorMessage(error)}`,
        undefined,
        { cause: error },
      );
    }

    const content = completion.choices?.[0]?.message?.content;
    if (typeof content !== 'string' || content.trim() === '') {
      throw new AIProviderError(this.provider, 'malformed completion: no choices[0].message.content');
    }
    const { score, confidence } = parseScoredAnswer(content);
    return {
      provider: this.provider,
      model: completion.model ?? this.model,
      content,
      score,
      confidence: confidence ?? 0.5,
      latencyMs: Number((performance.now() - started).toFixed(3)),
      usage:
        completion.usage !== undefined
          ? { promptTokens: completion.usage.prompt_tokens ?? 0, completionTokens: completion.usage.completion_tokens ?? 0 }
          : undefined,
    };
  }
}
