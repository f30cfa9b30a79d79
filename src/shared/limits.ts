/**
 * The contract's plain limits, apart from src/shared/contract.ts so the Custom UI can read them:
 * a value imported from contract.ts brings its zod schemas (and so zod itself) into the bundle,
 * while the UI takes only types from there. contract.ts re-exports these.
 */

/** Bulk accept takes this many stories per call: each is a full single accept on the server. */
export const MAX_BULK_ACCEPT = 20;
