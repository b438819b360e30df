import { serviceCommit } from '../../../src/transforms/service-commit/index.js';
import { fixtureSuite } from '../../support/fixtures.js';

fixtureSuite(serviceCommit, new URL('./__testfixtures__/', import.meta.url));
