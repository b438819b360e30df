export interface AIAnswer {
  score?: number;
  confidence: number;
  fallback?: { reason: string };
}

export abstract class BaseAIOrchestrator {
  abstract execute(request: { task: string; prompt: string; baselineScore?: number }): Promise<AIAnswer>;
}

class EchoProvider extends BaseAIOrchestrator {
  async execute(request: { baselineScore?: number }): Promise<AIAnswer> {
    return { score: request.baselineScore, confidence: 1 };
  }
}

export function getOrchestrator(): BaseAIOrchestrator {
  return new EchoProvider();
}
