/**
 * The gadget's saved configuration, checked by hand: the same rules as the contract's
 * `gadgetConfigSchema` (a project key, optionally some rule ids, nothing else) without shipping a
 * schema library to the dashboard. test/ui/helpers.test.ts holds the two to the same answers.
 */
import type { GadgetConfig } from '../../../src/shared/contract';
import { RULE_IDS } from '../../../src/domain/types';
import { oneOf } from './guards';

const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;

export function parseGadgetConfig(raw: unknown): GadgetConfig | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { projectKey, rules, ...rest } = raw as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return null;
  if (typeof projectKey !== 'string' || projectKey.length > 255 || !PROJECT_KEY.test(projectKey)) return null;
  if (rules === undefined) return { projectKey };
  if (!Array.isArray(rules) || rules.length > RULE_IDS.length) return null;
  const known = (rules as unknown[]).map((r) => (typeof r === 'string' ? oneOf(RULE_IDS, r) : null));
  if (known.some((r) => r === null)) return null;
  return { projectKey, rules: known.filter((r) => r !== null) };
}
