/**
 * Runs first in every Custom UI bundle (scripts/build-ui.ts injects it before the entry point):
 * zod v4 probes `new Function` when it builds its first object schema, to compile fast parsers.
 * Forge's Content-Security-Policy has no 'unsafe-eval', so that probe is a CSP violation on every
 * surface. Jitless parsing needs no eval, and the UI's payloads are small.
 */
import { z } from 'zod';

z.config({ jitless: true });
