import { wrapTransaction } from '../../../src/transforms/wrap-transaction/index.js';
import { fixtureSuite } from '../../support/fixtures.js';

fixtureSuite(wrapTransaction, new URL('./__testfixtures__/', import.meta.url));
