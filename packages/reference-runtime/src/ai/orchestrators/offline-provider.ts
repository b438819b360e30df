import { performance } from 'node:perf_hooks';
import { AIProvider, BaseAIOrchestrator, validateRequest, type AIRequest, type AIResponse, type AITask } from './base.js';

const RATIONALE: Record<AITask, string> = {
  match_scoring: 'match score',
  risk_assessment: 'risk score',
  credit_limit: 'credit score',
  general: 'score',
};

/** Roughly four characters a token, which is what the chat models bill; good enough for offline accounting. */
const approxTokens = (text: string): number => Math.ceil(text.length / 4);

const round = (value: number, places = 4): number => Number(value.toFixed(places));

/**
 * The default provider: answers from the request alone, without a network or a model, and always the same way for
 * the same request. It never second-guesses a rule-based baseline (there is nothing to refine it with), so a system
 * that runs offline behaves exactly like one with no AI at all, which is the point of a safe default.
 */
export class OfflineProvider extends BaseAIOrchestrator {
  readonly provider = AIProvider.OFFLINE;
  readonly model = 'offline-heuristic-1';

  async execute(request: AIRequest): Promise<AIResponse> {
    const started = performance.now();
    validateRequest(request);
    const { score, basis } = this.derive(request);
    // Confident at the extremes, unsure at the middle, where a decision could go either way.
    const confidence = round(0.5 + Math.abs(score - 0.5), 2);
    const rationale = `offline ${RATIONALE[request.task]} ${score} from ${basis}; no model consulted`;
    const content = JSON.stringify({ score, confidence, rationale });
    return {
      provider: this.provider,
      model: this.model,
      content,
      score,
      confidence,
      latencyMs: round(performance.now() - started, 3),
      usage: {
        promptTokens: approxTokens(request.prompt) + approxTokens(JSON.stringify(request.context ?? {})),
        completionTokens: approxTokens(content),
      },
    };
  }

  async healthCheck(): Promise<boolean> {
    return true;
  }

  private derive(request: AIRequest): { score: number; basis: string } {
    if (request.baselineScore !== undefined) {
      return { score: round(request.baselineScore), basis: 'the rule-based baseline' };
    }
    // Without a baseline, the unweighted mean of the context's normalised signals (values already in [0, 1]).
    const signals = Object.entries(request.context ?? {})
      .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] >= 0 && entry[1] <= 1)
      .sort(([a], [b]) => a.localeCompare(b));
    if (signals.length === 0) return { score: 0.5, basis: 'no signal (neutral)' };
    const mean = signals.reduce((sum, [, value]) => sum + value, 0) / signals.length;
    return { score: round(mean), basis: `the mean of ${signals.map(([name]) => name).join(', ')}` };
  }
}
