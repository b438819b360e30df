import { createRule } from './create-rule.js';
import { fileAnalysis, lintTarget, locOf } from './file-analysis.js';

export type MessageIds = 'commitLeftToRouter';

export default createRule<[], MessageIds>({
  name: 'require-service-commit',
  roles: ['router', 'service'],
  meta: {
    type: 'problem',
    docs: {
      description: 'Require every mutating operation to commit inside its service, not leave the commit to the router',
      recommended: true,
    },
    messages: { commitLeftToRouter: '{{message}}' },
    schema: [],
    defaultOptions: [],
  },
  create(context) {
    const target = lintTarget(context);
    return {
      Program() {
        for (const operation of fileAnalysis(context, target).operations) {
          for (const missing of operation.missing) {
            if (missing.flag !== 'commit') continue;
            context.report({ loc: locOf(missing.at), messageId: 'commitLeftToRouter', data: { message: missing.message } });
          }
        }
      },
    };
  },
});
