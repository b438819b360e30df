import { injectIdempotency } from '../../../src/transforms/inject-idempotency/index.js';
import { fixtureSuite } from '../../support/fixtures.js';

fixtureSuite(injectIdempotency, new URL('./__testfixtures__/', import.meta.url));
// --idempotency=redis: the seed's GET → work → COMMIT → SETEX pattern.
fixtureSuite(injectIdempotency, new URL('./__testfixtures__/redis/', import.meta.url), { idempotency: 'redis' });
