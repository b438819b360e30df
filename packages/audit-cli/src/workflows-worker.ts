import { parentPort, workerData } from 'node:worker_threads';
import { analyzeWorkflowTexts, type WorkflowText } from './workflows.js';

// The workflows of one audit, analysed off the main thread (workflows.ts): facts are plain data, sent back whole.
const { texts, lintCommands } = workerData as { texts: WorkflowText[]; lintCommands: string[] };
parentPort!.postMessage(analyzeWorkflowTexts(texts, lintCommands));
