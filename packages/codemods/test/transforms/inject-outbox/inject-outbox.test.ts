import { injectOutbox } from '../../../src/transforms/inject-outbox/index.js';
import { fixtureSuite } from '../../support/fixtures.js';

fixtureSuite(injectOutbox, new URL('./__testfixtures__/', import.meta.url));
// --todo-comments: what cannot be migrated gets a marker (once: the second run adds nothing).
fixtureSuite(injectOutbox, new URL('./__testfixtures__/todo/', import.meta.url), { todoComments: true });
