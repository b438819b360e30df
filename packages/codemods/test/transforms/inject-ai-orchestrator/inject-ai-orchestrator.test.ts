import { injectAiOrchestrator } from '../../../src/transforms/inject-ai-orchestrator/index.js';
import { fixtureSuite } from '../../support/fixtures.js';

fixtureSuite(injectAiOrchestrator, new URL('./__testfixtures__/', import.meta.url));
