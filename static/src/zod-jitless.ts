/**
 * Runs first in the Custom UI bundles that build zod schemas (scripts/build-ui.ts injects it
 * before the entry point of each SCHEMA_SURFACES surface): zod v4 probes `new Function` when it
 * builds its first object schema, to compile fast parsers. Forge's Content-Security-Policy has no
 * 'unsafe-eval', so that probe is a CSP violation. Jitless parsing needs no eval, and the UI's
 * payloads are small. `config` alone, not the `z` export, which is all of zod in one object.
 */
import { config } from 'zod';

config({ jitless: true });
