/**
 * The gadget's saved configuration, checked by hand: the same rules as the contract's
 * `gadgetConfigSchema` (a project key, optionally some rule ids and a sprint or fix version, nothing else) without shipping a
 * schema library to the dashboard. test/ui/helpers.test.ts holds the two to the same answers.
 */
import type { GadgetConfig } from '../../../src/shared/contract';
import { RULE_IDS } from '../../../src/domain/types';
import { oneOf } from './guards';

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;

export function parseGadgetConfig(raw: unknown): GadgetConfig | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { projectKey, rules, sprint, fixVersion, ...rest } = raw as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return null;
  if (typeof projectKey !== 'string' || projectKey.length > 255 || !PROJECT_KEY.test(projectKey)) return null;
  const scope = scopeOf(sprint, fixVersion);
  if (scope === null) return null;
  if (rules === undefined) return { projectKey, ...scope };
  if (!Array.isArray(rules) || rules.length > RULE_IDS.length) return null;
  const known = (rules as unknown[]).map((r) => (typeof r === 'string' ? oneOf(RULE_IDS, r) : null));
  if (known.some((r) => r === null)) return null;
  return { projectKey, rules: known.filter((r) => r !== null), ...scope };
}

/** A scope value as the contract's `scopeFields` take it: trimmed, 1 to 255 characters. */
function scopeValue(v: unknown): string | null | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t.length >= 1 && t.length <= 255 ? t : null;
}

/** The optional scope (a sprint or a fix version, not both); null when malformed. */
function scopeOf(sprint: unknown, fixVersion: unknown): { sprint?: string; fixVersion?: string } | null {
  const s = scopeValue(sprint);
  const f = scopeValue(fixVersion);
  if (s === null || f === null || (s !== undefined && f !== undefined)) return null;
  return s !== undefined ? { sprint: s } : f !== undefined ? { fixVersion: f } : {};
}
