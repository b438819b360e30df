// Regenerates schema/outbox.config.schema.json from the schema the validator uses (a test checks they agree).
import { writeFileSync } from 'node:fs';
import { CONFIG_SCHEMA } from '../src/config.js';

writeFileSync(new URL('../schema/outbox.config.schema.json', import.meta.url), JSON.stringify(CONFIG_SCHEMA, null, 2) + '\n');
