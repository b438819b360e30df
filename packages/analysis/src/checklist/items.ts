import type { FileAnalysis } from '../types.js';
import { compileGlobs } from '../patterns.js';
import { CHECK_DOCS_BASE, routerCallNames, type ChecklistDetail, type RouterCallNames } from './check.js';
import { CHECKS } from './checks/index.js';
import { enabledCheckIds, type CheckId } from './profiles.js';
import type { ChecklistSettings } from './settings.js';
import type { WorkflowFacts } from './workflow.js';

/** One checklist item's result: every printer formats this and computes nothing. */
export interface ChecklistItem {
  id: CheckId;
  label: string;
  pass: boolean;
  /** One sentence: why it passes or fails. */
  reason: string;
  details: ChecklistDetail[];
  /** What passing takes. */
  requires: string;
  /** What to do when it fails. */
  remediation: string;
  /** The check's doc page. */
  docs: string;
}

export interface ChecklistInput {
  /** Every analysed file, paths relative to the audited root. */
  files: FileAnalysis[];
  /** Every workflow found under the workflows directory. */
  workflows: WorkflowFacts[];
  /** The configured router calls by kind (default: the default settings'). */
  calls?: RouterCallNames;
  /** How many files have each role, parsed or not (default: counted over `files`, which holds only parsed ones). */
  roles?: { router: number; service: number };
}

const DEFAULT_CALLS = routerCallNames({ dbHandles: ['db', 'session'], routerCalls: ['execute', 'commit'], commitCalls: ['commit'], executeCalls: ['execute'] });

/** The checks the settings enable (a profile, minus what `disable` turns off), in the profile's order. */
export function computeChecklist(input: ChecklistInput, settings: ChecklistSettings): ChecklistItem[] {
  const isTest = compileGlobs(settings.testFiles);
  const context = {
    files: input.files,
    operations: input.files.flatMap((f) => f.operations),
    workflows: input.workflows,
    settings,
    calls: input.calls ?? DEFAULT_CALLS,
    roles: input.roles ?? {
      router: input.files.filter((f) => f.role === 'router').length,
      service: input.files.filter((f) => f.role === 'service').length,
    },
    isTest,
  };
  return enabledCheckIds(settings).map((id) => {
    const check = CHECKS[id];
    const outcome = check.run(context);
    return {
      id,
      label: outcome.label ?? check.title,
      pass: outcome.pass,
      reason: outcome.reason,
      details: outcome.details,
      requires: check.requires,
      remediation: check.remediation,
      docs: `${CHECK_DOCS_BASE}/${id}.md`,
    };
  });
}
