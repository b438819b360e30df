import { createRequire } from 'node:module';
import type { LineCounter, Node as YamlNode } from 'yaml';
import { compileCommandPattern } from '../patterns.js';

type Yaml = typeof import('yaml');
let yamlModule: Yaml | undefined;

/**
 * The YAML parser, loaded on the first workflow: a tenth of a second of a cold start that the ESLint rules, the
 * codemods and an audit whose workflows are read in a worker thread never need.
 */
function yaml(): Yaml {
  yamlModule ??= createRequire(import.meta.url)('yaml') as Yaml;
  return yamlModule;
}

/** A step that checks the architecture (runs ESLint with the plugin, the audit, or a grep for router DB calls). */
export interface WorkflowCheckStep {
  job: string;
  name: string;
  line: number;
  /** Why this step cannot fail the run, when it cannot. */
  reportOnly?: string;
}

/** Something in a workflow that lets a failing check pass anyway. */
export interface WorkflowMask {
  job: string;
  step?: string;
  line: number;
  what: string;
}

export interface WorkflowFacts {
  file: string;
  name: string;
  onPullRequest: boolean;
  checkSteps: WorkflowCheckStep[];
  masks: WorkflowMask[];
  parseError?: string;
}

const TRAILING_EXIT_0 = /(^|\n|;|&&)\s*exit\s+0\s*$/;
const MASKING_OR = /\|\|\s*(true|:|exit\s+0)\b/;
const SET_PLUS_E = /(^|\n)\s*set\s+\+e\b/;
const REPORT_ONLY = /--report-only\b/;

function lineOf(node: YamlNode | null | undefined, counter: LineCounter): number {
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : counter.linePos(offset).line;
}

function triggersOnPullRequest(on: unknown): boolean {
  const prEvents = new Set(['pull_request', 'pull_request_target']);
  if (typeof on === 'string') return prEvents.has(on);
  if (Array.isArray(on)) return on.some((e) => typeof e === 'string' && prEvents.has(e));
  if (on && typeof on === 'object') return Object.keys(on).some((e) => prEvents.has(e));
  return false;
}

function isTruthyFlag(value: unknown): boolean {
  // `continue-on-error: ${{ ... }}` may be true at run time, so an expression counts as masking too.
  return value === true || value === 'true' || (typeof value === 'string' && value.includes('${{'));
}

/**
 * Reads one GitHub Actions workflow: does it run on pull requests, which steps check the architecture, and what
 * would let a failing check pass (continue-on-error, `|| true`, a trailing `exit 0`, `set +e`, `--report-only`).
 */
export function analyzeWorkflow(file: string, text: string, lintCommands: string[]): WorkflowFacts {
  const { LineCounter, parseDocument, isMap, isSeq, isScalar } = yaml();
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  const facts: WorkflowFacts = { file, name: file, onPullRequest: false, checkSteps: [], masks: [] };
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    facts.parseError = `YAML error: ${first.message.split('\n')[0]} (line ${first.linePos?.[0]?.line ?? '?'})`;
    return facts;
  }
  const root = doc.contents;
  if (!isMap(root)) return facts;
  const plain = doc.toJS() as Record<string, unknown>;
  facts.name = typeof plain.name === 'string' ? plain.name : file;
  facts.onPullRequest = triggersOnPullRequest(plain.on);
  // Linear-time matching: the patterns come from a config a pull request can change (see patterns.ts).
  const patterns = lintCommands.map(compileCommandPattern);

  const jobs = root.get('jobs', true);
  if (!isMap(jobs)) return facts;
  for (const jobPair of jobs.items) {
    const jobId = isScalar(jobPair.key) ? String(jobPair.key.value) : '?';
    const job = jobPair.value;
    if (!isMap(job)) continue;
    const jobCoe = job.get('continue-on-error', true);
    if (jobCoe && isTruthyFlag(isScalar(jobCoe) ? jobCoe.value : undefined)) {
      facts.masks.push({ job: jobId, line: lineOf(jobCoe, counter), what: 'continue-on-error on the job' });
    }
    const steps = job.get('steps', true);
    if (!isSeq(steps)) continue;
    steps.items.forEach((stepNode, index) => {
      if (!isMap(stepNode)) return;
      const step = stepNode.toJSON() as Record<string, unknown>;
      const stepName = typeof step.name === 'string' ? step.name : typeof step.uses === 'string' ? step.uses : `step ${index + 1}`;
      const line = lineOf(stepNode, counter);
      const run = typeof step.run === 'string' ? step.run : '';
      // Masks point at the offending key's value, the line a reviewer has to change.
      const runLine = lineOf(stepNode.get('run', true) as YamlNode | undefined, counter);
      if (isTruthyFlag(step['continue-on-error'])) {
        const at = lineOf(stepNode.get('continue-on-error', true) as YamlNode | undefined, counter);
        facts.masks.push({ job: jobId, step: stepName, line: at, what: 'continue-on-error on the step' });
      }
      if (run) {
        const trimmed = run.trimEnd();
        if (MASKING_OR.test(run)) facts.masks.push({ job: jobId, step: stepName, line: runLine, what: `\`${run.match(MASKING_OR)![0]}\` swallows the exit code` });
        else if (TRAILING_EXIT_0.test(trimmed)) facts.masks.push({ job: jobId, step: stepName, line: runLine, what: 'a trailing `exit 0`' });
        if (SET_PLUS_E.test(run)) facts.masks.push({ job: jobId, step: stepName, line: runLine, what: '`set +e` ignores failures' });
        if (patterns.some((p) => p.test(run))) {
          facts.checkSteps.push({
            job: jobId,
            name: stepName,
            line,
            ...(REPORT_ONLY.test(run) ? { reportOnly: '`--report-only` makes the audit exit 0' } : {}),
          });
        }
      }
    });
  }
  return facts;
}
