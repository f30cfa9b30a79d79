/**
 * Runs first in every Custom UI bundle (scripts/build-ui.ts injects it before the entry point):
 * zod v4 probes `new Function` when it builds its first object schema, to compile fast parsers.
 * Forge's Content-Security-Policy has no 'unsafe-eval', so that probe is a CSP violation on every
 * surface that builds a schema. Jitless parsing needs no eval, and the UI's payloads are small.
 * `config` alone, not the `z` namespace: the namespace is one object holding all of zod, which no
 * bundler can trim, so it would put zod in surfaces that never build a schema.
 */
import { config } from 'zod';

config({ jitless: true });
