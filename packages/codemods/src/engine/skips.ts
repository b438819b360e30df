/**
 * Every reason a run leaves something as it was, by code: the one list of them. A skip's message names the real
 * obstacle in words for the place it is reported at; the code says which of these it is. Each code has a fixture that
 * produces it (test/skips.test.ts checks that none is without one), and docs/skips.md lists them.
 */
export const SKIP_CODES = {
  // The engine's safety nets.
  'type-error': 'an operation or route whose edits would add a type error the project did not have (the error is quoted)',
  'transform-type-error': 'a transform whose type errors cannot be traced to one of its units of work: it is left out entirely',
  'transformed-text-does-not-parse': "a file whose transformed text would not parse (a transform's bug): put back as it was",
  // Shared by the transforms.
  'file-does-not-parse': 'the file does not parse, so nothing in it is changed',
  'router-handler-needs-service': 'a route handler writes in the router: extract-router-db has to give it a service first',
  'caller-commits': 'the operation does not commit: its caller does (service-commit moves a router commit into it)',
  'commits-at-exit': "the operation's transaction comes from a decorator (`@Transactional()`) and commits when it returns, with no commit statement to place code before",
  'commits-in-helper': 'the operation commits only inside a helper method it calls, in a transaction that ends there',
  'commits-through-function': 'the operation commits through a function outside its class, which the analysis does not follow',
  'commit-not-a-statement': 'a commit that is part of an expression, so nothing can go right before it',
  'commit-in-callback': 'the operation commits inside a callback, so nothing can go right before the commit',
  'autocommit-write': 'the operation writes outside any transaction (each statement commits by itself), so no event or key can join it',
  'commit-in-loop': 'the operation commits inside a loop (one transaction per iteration) in a way the claim per iteration does not cover (no row key in the loop, another stack, the Redis pattern)',
  'body-not-a-block': 'an arrow-function operation whose body is an expression',
  // scaffold
  'scaffold-unsupported-stack': 'the stack is one scaffold has no template for (or a Prisma schema on another database than PostgreSQL)',
  'scaffold-names-unusable': 'the names the settings give the outbox or the store cannot name a class or a method',
  'no-scaffold-place': "every folder scaffold would write to is a router or service folder by the project's globs",
  'scaffold-file-taken': 'a file, class, model or table scaffold would write exists already and is not what it would write',
  'no-prisma-schema': 'the prisma preset is on but the project has no schema.prisma',
  // wrap-transaction
  'wrap-helper-writes': 'a write that commits by itself is made by a helper the operation calls, which would stay outside the transaction',
  'wrap-mixed-handles': 'the operation writes through several clients, which one transaction cannot span',
  'wrap-catches-db-error': 'the operation catches the error of a DB call and goes on, which one transaction cannot survive (the first failed statement aborts it)',
  'wrap-handle-escapes': 'the operation hands its client on (an argument, a variable) instead of calling it, so that use would not join the transaction',
  // service-commit
  'no-router-commit-after-call': 'the operation leaves its commit to its caller, but no router commits right after calling it',
  'not-async': 'the operation is not async, so it cannot await a commit',
  'no-handle-to-commit': 'the operation writes only through helpers and its class holds no DB handle to commit on',
  'return-not-in-block': 'a return after the first write that is not in a block (`if (x) return y;`)',
  // extract-router-db
  'db-call-outside-handler': 'a router DB call outside any route handler',
  'router-commits-after-service-call': 'the router commits after calling a service (service-commit moves that commit)',
  'handler-mixes-service-and-db': 'a handler that calls a service and also runs its own DB calls',
  'no-service-place': "no path for a new service file is a service file by the project's serviceFiles (or each is a router file)",
  'service-file-taken': 'the file a new service would go in exists and holds another class',
  'route-names-no-entity': 'a route whose path names no entity (`POST /:id`) in a module that has services',
  'service-keeps-no-session': "the entity's service class keeps no DB session to run the moved code on",
  'no-construction-to-copy': "the entity's service takes more than a session, and the router never builds it to copy from",
  'service-built-from-hidden-values': "the entity's service is built from values the handler cannot see",
  'registration-not-a-statement': 'a route registration that is part of an expression',
  'request-destructured': "a handler whose request parameter is destructured or missing",
  'reply-destructured': "a handler whose reply parameter is destructured",
  'handler-uses-this': 'a handler that uses `this`',
  'handler-reads-request': 'a handler that reads a part of the request a service method cannot be given (headers, log, …)',
  'handler-passes-request': 'a handler that passes the request itself along',
  'nested-function-uses-db': "a function nested in the handler uses the request's DB session",
  'handler-uses-outer-name': 'a handler that uses a name of the function that registers the routes',
  'expression-handler-uses-reply': 'an expression-bodied handler that uses the reply',
  'statuses-may-fall-through': 'a handler that answers with several statuses and may end without answering',
  'reply-beside-db-calls': 'a handler that uses the reply among its DB calls',
  'handle-not-reachable': "an Express handler's DB handle is declared where a service cannot be given it (or it runs on several)",
  'response-not-at-end': 'an Express handler that answers (`res.json(…)`) and then runs more statements',
  'responses-differ': 'an Express handler that answers in several ways (`res.json(x)` here, `res.sendStatus(204)` there) one return value cannot carry',
  'handler-not-async': 'a handler that is not async',
  'declaration-cannot-move': 'a handler needs a declaration of the router that cannot move with it',
  // inject-outbox
  'no-outbox-repository-class': 'the project has no outbox repository class (a class named after `outbox.names` with an event method)',
  'no-constructor': 'the class has no constructor to take the outbox repository',
  'mixed-handles': "the class's operations write through different handles (its own and sessions they open)",
  'no-handle-parameter': "the class's constructor has no DB-handle parameter to build the outbox repository from",
  'scope-callback-not-a-block': "the operation's transaction callback is an expression, so nothing can go inside it before it returns",
  'event-after-commit-not-beside': 'an event after the commit that is not in the same block as the commit',
  'path-without-event': 'a path that reaches the end without an event, where no commit is there to put one before',
  'event-not-fixed': "an event the transform placed that the analysis still finds missing (the analysis' reason is quoted)",
  // inject-idempotency
  'no-idempotency-store-class': 'the project has no idempotency store (a class named after `idempotency.storeNames` with begin and complete)',
  'key-checked-after-write': 'the operation checks its key, but only after a write',
  'key-checked-after-guard': 'the operation checks its key, but only after a guard that depends on state it read',
  'key-named-differently': 'the operation takes its key under another name',
  'rest-parameter': 'the operation ends with a rest parameter, so a key parameter cannot follow',
  'commits-before-first-write': 'the operation commits before its first write',
  'begin-not-a-statement': 'the transaction begins inside an expression, or nothing follows the begin in its block, so no claim can go right after it',
  'no-rollback-to-copy': 'the operation begins its own transaction but never rolls it back, so a replay has no statement to end it with',
  'several-transactions': 'the operation runs several transaction scopes, so one key cannot be claimed and completed in one transaction',
  'response-after-commit': 'the response is computed after the commit, so it cannot be stored with the key',
  'no-redis-client': 'the Redis pattern was asked for, and the class holds no `redis` client',
  'catch-hides-key-conflict': "the operation's transaction runs in a try whose catch answers and destructures the error, so a key conflict cannot be let through it",
  // inject-ai-orchestrator
  'no-orchestrator-factory': 'the project has no orchestrator factory or base class to inject',
  'no-edge-case-scoring': 'the engine has no edge-case scoring to route through the orchestrator',
  'derived-without-constructor': 'the engine is a derived class without a constructor of its own',
  'constructor-rest-parameter': "the engine's constructor takes a rest parameter",
  // add-pr-lint-workflow
  'workflow-differs': 'the PR workflow exists and differs from the one the transform writes',
} as const;

export type SkipCode = keyof typeof SKIP_CODES;
