import { extractRouterDb } from '../../../src/transforms/extract-router-db/index.js';
import { fixtureSuite } from '../../support/fixtures.js';

fixtureSuite(extractRouterDb, new URL('./__testfixtures__/', import.meta.url));
