import type { Transform, Workspace } from '../../engine/types.js';

/** Where the workflow goes, relative to the target's root (the root the audit reads). */
export const WORKFLOW_FILE = '.github/workflows/pr-lint.yml';
/** The audit's baseline, when the target keeps one: only new or worse findings fail. */
export const BASELINE_FILE = '.outbox-baseline.json';

/**
 * How the target installs its dependencies and runs their commands, from the files at its root: the lockfile first
 * (`pnpm-lock.yaml`, `yarn.lock`, `bun.lock` / `bun.lockb`, `package-lock.json` / `npm-shrinkwrap.json`), else the
 * `packageManager` field of its package.json, else npm. A workflow that ran `npm ci` in a Yarn or pnpm repository would
 * fail at its install step (no package-lock.json), and setup-node's dependency cache fails without a lockfile too.
 */
export type PackageManager =
  | { name: 'npm'; lockfile: boolean }
  /** `version`: for pnpm/action-setup when package.json names no pnpm version (from the lockfile's format). */
  | { name: 'pnpm'; lockfile: boolean; version?: string }
  /** `berry`: Yarn 2 or later (a `.yarnrc.yml`, or `packageManager` naming one), installed through Corepack. */
  | { name: 'yarn'; lockfile: boolean; berry: boolean }
  | { name: 'bun'; lockfile: boolean };

const LOCKFILES: [PackageManager['name'], string][] = [
  ['pnpm', 'pnpm-lock.yaml'],
  ['yarn', 'yarn.lock'],
  ['bun', 'bun.lock'],
  ['bun', 'bun.lockb'],
  ['npm', 'package-lock.json'],
  ['npm', 'npm-shrinkwrap.json'],
];

export function packageManagerOf(workspace: Pick<Workspace, 'exists' | 'read'>): PackageManager {
  let declared: { name: string; version: string } | undefined;
  if (workspace.exists('package.json')) {
    try {
      const field = (JSON.parse(workspace.read('package.json')) as { packageManager?: unknown }).packageManager;
      const match = typeof field === 'string' ? /^(npm|pnpm|yarn|bun)@(\d[^+\s]*)/.exec(field) : null;
      if (match) declared = { name: match[1]!, version: match[2]! };
    } catch {
      // A package.json that does not parse says nothing about its package manager; the lockfiles still do.
    }
  }
  const locked = LOCKFILES.filter(([, file]) => workspace.exists(file));
  // Two lockfiles: the one of the declared manager, else the first of the list.
  const chosen = locked.find(([name]) => name === declared?.name) ?? locked[0];
  const name = chosen?.[0] ?? (declared?.name as PackageManager['name'] | undefined) ?? 'npm';
  const lockfile = chosen !== undefined;
  switch (name) {
    case 'pnpm': {
      if (declared?.name === 'pnpm') return { name, lockfile };
      // pnpm/action-setup needs a version when package.json has none: the major that writes this lockfile format.
      const format = lockfile ? /^lockfileVersion:\s*['"]?(\d+)/m.exec(workspace.read(chosen![1]))?.[1] : undefined;
      return { name, lockfile, version: format === '5' ? '7' : format === '6' ? '8' : '9' };
    }
    case 'yarn':
      return { name, lockfile, berry: workspace.exists('.yarnrc.yml') || (declared?.name === 'yarn' && !declared.version.startsWith('1.')) };
    case 'bun':
      return { name, lockfile };
    default:
      return { name: 'npm', lockfile };
  }
}

/** The steps that set up Node and the package manager and install, and the prefix that runs a dependency's command. */
function toolchain(manager: PackageManager): { setup: string[]; install: string; exec: string } {
  const node = (cache: string | undefined) => ['      - uses: actions/setup-node@v4', '        with:', '          node-version: 20', ...(cache ? [`          cache: ${cache}`] : [])];
  switch (manager.name) {
    case 'pnpm':
      return {
        setup: [
          '      - uses: pnpm/action-setup@v4',
          ...(manager.version ? ['        with:', `          version: ${manager.version}`] : []),
          '',
          ...node(manager.lockfile ? 'pnpm' : undefined),
        ],
        install: manager.lockfile ? 'pnpm install --frozen-lockfile' : 'pnpm install',
        exec: 'pnpm exec',
      };
    case 'yarn':
      return {
        setup: [
          // Yarn 2+ comes through Corepack, enabled before setup-node reads Yarn's cache folder.
          ...(manager.berry ? ['      - name: Enable Corepack (Yarn 2+)', '        run: corepack enable', ''] : []),
          ...node(manager.lockfile ? 'yarn' : undefined),
        ],
        install: manager.lockfile ? (manager.berry ? 'yarn install --immutable' : 'yarn install --frozen-lockfile') : 'yarn install',
        exec: 'yarn',
      };
    case 'bun':
      // Bun installs; Node runs ESLint and the audit, as everywhere else.
      return { setup: ['      - uses: oven-sh/setup-bun@v2', '', ...node(undefined)], install: manager.lockfile ? 'bun install --frozen-lockfile' : 'bun install', exec: 'npx' };
    default:
      return { setup: node(manager.lockfile ? 'npm' : undefined), install: manager.lockfile ? 'npm ci' : 'npm install', exec: 'npx' };
  }
}

/**
 * The PR check of a migrated backend: ESLint with eslint-plugin-outbox and the outbox-audit gate on every pull request
 * (and push to main), SARIF to code scanning, the audit's job summary, installed and run with the target's own
 * package manager. Nothing in it masks a failure: no continue-on-error, no `|| true`, no trailing `exit 0`; the upload
 * runs with `if: always()` after a failed gate, and the failed gate still fails the job. The upload is skipped for pull
 * requests from forks (a read-only token: it could only fail), as in this repository's own workflow.
 */
export function prLintWorkflow(options: { baseline: boolean; packageManager?: PackageManager }): string {
  const { setup, install, exec } = toolchain(options.packageManager ?? { name: 'npm', lockfile: true });
  const audit = `${exec} outbox-audit .${options.baseline ? ` --baseline ${BASELINE_FILE}` : ''} --format github --sarif outbox.sarif`;
  return [
    '# Added by outbox-codemod add-pr-lint-workflow: the outbox architecture may not regress.',
    '# ESLint (eslint-plugin-outbox) reports in the diff; outbox-audit fails the job on a router DB call or an operation',
    options.baseline
      ? `# without outbox, idempotency, event or service commit that ${BASELINE_FILE} does not already know.`
      : '# without outbox, idempotency, event or service commit (no baseline: every violation fails).',
    'name: PR lint',
    '',
    'on:',
    '  pull_request:',
    '  push:',
    '    branches: [main]',
    '',
    'permissions:',
    '  contents: read',
    '',
    'concurrency:',
    '  group: pr-lint-${{ github.ref }}',
    "  cancel-in-progress: ${{ github.event_name == 'pull_request' }}",
    '',
    'jobs:',
    '  outbox:',
    '    name: Outbox architecture',
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 15',
    '    permissions:',
    '      contents: read',
    '      security-events: write',
    '      actions: read',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '',
    ...setup,
    '',
    '      - name: Install',
    `        run: ${install}`,
    '',
    '      - name: ESLint with eslint-plugin-outbox',
    `        run: ${exec} eslint .`,
    '',
    '      # Runs after a failed ESLint too, so the annotations, the job summary and the SARIF show the whole picture.',
    '      - name: outbox-audit gate',
    "        if: ${{ !cancelled() }}",
    `        run: ${audit}`,
    '',
    '      # always(): the findings reach code scanning even when the gate failed; the gate step still fails the job.',
    '      # Not for pull requests from forks: their token cannot write security events, so the upload would only fail.',
    '      - name: Upload SARIF to code scanning',
    '        if: >-',
    "          ${{ always() && hashFiles('outbox.sarif') != ''",
    "          && (github.event_name != 'pull_request' || github.event.pull_request.head.repo.full_name == github.repository) }}",
    '        uses: github/codeql-action/upload-sarif@v3',
    '        with:',
    '          sarif_file: outbox.sarif',
    '          category: outbox-audit',
    '',
  ].join('\n');
}

/**
 * add-pr-lint-workflow: writes `.github/workflows/pr-lint.yml` into the target. An identical file is left alone; a
 * different one is the project's own decision and is reported, never overwritten.
 */
export const addPrLintWorkflow: Transform = {
  name: 'add-pr-lint-workflow',
  summary: 'add .github/workflows/pr-lint.yml (ESLint + outbox-audit gate, SARIF upload, job summary)',
  run(workspace: Workspace) {
    const wanted = prLintWorkflow({ baseline: workspace.exists(BASELINE_FILE), packageManager: packageManagerOf(workspace) });
    if (!workspace.exists(WORKFLOW_FILE)) {
      workspace.write(WORKFLOW_FILE, wanted);
      return;
    }
    const current = workspace.read(WORKFLOW_FILE);
    if (current.replace(/\r\n/g, '\n') === wanted) return;
    workspace.skip({
      code: 'workflow-differs',
      file: WORKFLOW_FILE,
      line: 1,
      reason: `${WORKFLOW_FILE} exists and differs from the workflow this transform writes; left as it is (compare it with \`outbox-codemod add-pr-lint-workflow\`'s output in docs/transforms/add-pr-lint-workflow.md)`,
    });
  },
};
