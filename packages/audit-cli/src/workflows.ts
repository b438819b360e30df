import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
// The workflow module alone (it imports nothing else of the analysis): a worker that loads it starts in a few ms.
import { analyzeWorkflow, type WorkflowFacts } from 'outbox-analysis/workflow';

/** A workflow file as the audit read it: its text, or why it was not read (the reason becomes its `parseError`). */
export type WorkflowText = { file: string; text: string } | { file: string; unread: string };

const WORKER_URL = new URL('./workflows-worker.js', import.meta.url);

/** The facts of each workflow read, in order; an unread one is a workflow with nothing in it but the reason. */
export function analyzeWorkflowTexts(texts: WorkflowText[], lintCommands: string[]): WorkflowFacts[] {
  return texts.map((entry) =>
    'unread' in entry
      ? { file: entry.file, name: entry.file, onPullRequest: false, checkSteps: [], masks: [], parseError: entry.unread }
      : analyzeWorkflow(entry.file, entry.text, lintCommands),
  );
}

/**
 * The same, started now and awaited later: on a machine with a second core the YAML parser is loaded and run in a
 * worker thread while this thread lists, reads and parses the code (a tenth to a fifth of a second of a cold audit
 * on a repository with a few workflows, off the critical path). On one core, under the test runner (no compiled
 * worker) or when the worker fails for any reason, the workflows are read in this thread: the facts are the same.
 */
export function analyzeWorkflowsInBackground(texts: WorkflowText[], lintCommands: string[]): Promise<WorkflowFacts[]> {
  const inline = () => analyzeWorkflowTexts(texts, lintCommands);
  if (!texts.some((entry) => 'text' in entry) || availableParallelism() < 2 || !existsSync(fileURLToPath(WORKER_URL))) {
    return Promise.resolve().then(inline);
  }
  return new Promise<WorkflowFacts[]>((resolve) => {
    let settled = false;
    const settle = (facts: () => WorkflowFacts[]) => {
      if (settled) return;
      settled = true;
      resolve(facts());
    };
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, { workerData: { texts, lintCommands } });
    } catch {
      settle(inline);
      return;
    }
    // Not unref'd: the answer is awaited, and the worker ends on its own once it has posted it.
    worker.on('message', (facts: WorkflowFacts[]) => settle(() => facts));
    worker.on('error', () => settle(inline));
    worker.on('exit', () => settle(inline));
  });
}
