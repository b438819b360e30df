import type { Transform } from './types.js';
import { SOURCE, type OverlayWorkspace } from './workspace.js';

export interface TransformSummary {
  transform: string;
  filesChanged: string[];
  skipped: number;
}

/**
 * Runs transforms in order over one workspace. After each one, every file it changed must still parse; one that does
 * not is put back byte for byte and reported, so a run never leaves a half-transformed file behind.
 */
export async function runTransforms(workspace: OverlayWorkspace, transforms: Transform[]): Promise<TransformSummary[]> {
  const summaries: TransformSummary[] = [];
  for (const transform of transforms) {
    workspace.activeTransform = transform.name;
    const before = new Map(workspace.changes().map((c) => [c.path, c.after]));
    const skippedBefore = workspace.skipped().length;
    await transform.run(workspace);
    const changed = workspace.changes().filter((c) => before.get(c.path) !== c.after);
    for (const change of changed) {
      const problem = parseProblem(workspace, change.path);
      if (problem) {
        // Back to the text before this transform (not the original, if an earlier transform edited it).
        const previous = before.get(change.path);
        if (previous === undefined) workspace.revert(change.path);
        else workspace.write(change.path, previous);
        workspace.skip({ file: change.path, reason: `the transformed text would not parse (${problem}); file left as it was` });
      }
    }
    summaries.push({
      transform: transform.name,
      filesChanged: workspace
        .changes()
        .filter((c) => before.get(c.path) !== c.after)
        .map((c) => c.path),
      skipped: workspace.skipped().length - skippedBefore,
    });
  }
  return summaries;
}

/**
 * The first syntax error of a changed file, from the workspace's analysis of its new text: the same parse the next
 * transform's analysis needs, so checking costs no extra parse.
 */
function parseProblem(workspace: OverlayWorkspace, file: string): string | undefined {
  if (!SOURCE.test(file)) return undefined;
  const PREFIX = 'parse error: ';
  const diagnostic = workspace.analysis(file).diagnostics.find((d) => d.message.startsWith(PREFIX));
  return diagnostic?.message.slice(PREFIX.length);
}
