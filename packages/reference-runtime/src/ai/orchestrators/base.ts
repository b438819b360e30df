/**
 * The provider abstraction of the AI layer. Business code talks to a `BaseAIOrchestrator` and never to a vendor SDK,
 * so a provider can be swapped (or run offline) without touching the engines that ask for a second opinion.
 */

export enum AIProvider {
  /** Deterministic, in-process; the default when no endpoint is configured. */
  OFFLINE = 'offline',
  /** Any server that speaks the OpenAI chat-completions protocol (OpenAI, vLLM, Ollama, LiteLLM, ...). */
  OPENAI_COMPATIBLE = 'openai-compatible',
}

/** What the caller wants; providers pick their instructions from it. */
export type AITask = 'match_scoring' | 'risk_assessment' | 'credit_limit' | 'general';

export interface AIRequest {
  task: AITask;
  /** The question, in plain words. */
  prompt: string;
  /** Structured facts the answer must rest on (amounts, factor scores, ...); serialised for remote models. */
  context?: Record<string, unknown>;
  /** A rule-based score in [0, 1] the provider is asked to refine. */
  baselineScore?: number;
  temperature?: number;
  maxTokens?: number;
  /** Overrides the provider's default timeout for this request. */
  timeoutMs?: number;
}

export interface AIUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface AIResponse {
  provider: AIProvider;
  model: string;
  /** The answer as text (JSON for the scoring tasks). */
  content: string;
  /** A score in [0, 1], when the answer carries one. */
  score?: number;
  /** How much the provider trusts its answer, in [0, 1]. */
  confidence: number;
  latencyMs: number;
  usage?: AIUsage;
  /** Present when the answer comes from a fallback because the first provider failed. */
  fallback?: { from: AIProvider; reason: string };
}

/** A provider could not answer (HTTP error, timeout, malformed completion). */
export class AIProviderError extends Error {
  constructor(
    readonly provider: AIProvider,
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AIProviderError';
  }
}

/** Rejects requests no provider could answer sensibly, before any provider is asked. */
export function validateRequest(request: AIRequest): void {
  if (typeof request.prompt !== 'string' || request.prompt.trim() === '') {
    throw new TypeError('AIRequest.prompt must be a non-empty string');
  }
  const { baselineScore, temperature, maxTokens, timeoutMs } = request;
  if (baselineScore !== undefined && !(Number.isFinite(baselineScore) && baselineScore >= 0 && baselineScore <= 1)) {
    throw new RangeError(`AIRequest.baselineScore must be within [0, 1], got ${baselineScore}`);
  }
  if (temperature !== undefined && !(temperature >= 0 && temperature <= 2)) {
    throw new RangeError(`AIRequest.temperature must be within [0, 2], got ${temperature}`);
  }
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) {
    throw new RangeError(`AIRequest.maxTokens must be a positive integer, got ${maxTokens}`);
  }
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new RangeError(`AIRequest.timeoutMs must be a positive number, got ${timeoutMs}`);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export abstract class BaseAIOrchestrator {
  abstract readonly provider: AIProvider;
  abstract readonly model: string;

  /** Answers the request or rejects (with an `AIProviderError` when the provider failed). */
  abstract execute(request: AIRequest): Promise<AIResponse>;

  /** True when the provider can answer right now; never throws. */
  abstract healthCheck(): Promise<boolean>;

  /**
   * Asks this provider and, if it fails, `fallback`. Invalid requests are not retried elsewhere: the fallback would
   * reject them too, and hiding a caller's bug behind a second provider helps nobody.
   */
  async executeWithFallback(request: AIRequest, fallback: BaseAIOrchestrator): Promise<AIResponse> {
    validateRequest(request);
    try {
      return await this.execute(request);
    } catch (error) {
      return this.answerFrom(fallback, request, error);
    }
  }

  /** The fallback's answer, marked with where it should have come from and why it did not. */
  protected async answerFrom(fallback: BaseAIOrchestrator, request: AIRequest, cause: unknown): Promise<AIResponse> {
    const response = await fallback.execute(request);
    return { ...response, fallback: { from: this.provider, reason: errorMessage(cause) } };
  }
}
