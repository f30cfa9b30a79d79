/** Human words for each rule: a short title, why it matters, and how to fix it (rules.md). */
import { RULE_IDS, type RuleId } from '../../../src/domain/types';
import { messages } from '../i18n';

export interface RuleText {
  title: string;
  why: string;
  fix: string;
}

export const RULE_TEXT: Record<RuleId, RuleText> = {
  'feature-missing-pm': messages({
    title: 'rules.feature-missing-pm.title',
    why: 'rules.feature-missing-pm.why',
    fix: 'rules.feature-missing-pm.fix',
  }),
  'epic-missing-owner': messages({
    title: 'rules.epic-missing-owner.title',
    why: 'rules.epic-missing-owner.why',
    fix: 'rules.epic-missing-owner.fix',
  }),
  'story-missing-po': messages({
    title: 'rules.story-missing-po.title',
    why: 'rules.story-missing-po.why',
    fix: 'rules.story-missing-po.fix',
  }),
  'story-missing-po-acceptance': messages({
    title: 'rules.story-missing-po-acceptance.title',
    why: 'rules.story-missing-po-acceptance.why',
    fix: 'rules.story-missing-po-acceptance.fix',
  }),
  'acceptance-not-by-po': messages({
    title: 'rules.acceptance-not-by-po.title',
    why: 'rules.acceptance-not-by-po.why',
    fix: 'rules.acceptance-not-by-po.fix',
  }),
  'acceptance-stale': messages({
    title: 'rules.acceptance-stale.title',
    why: 'rules.acceptance-stale.why',
    fix: 'rules.acceptance-stale.fix',
  }),
  'feature-done-with-unaccepted-stories': messages({
    title: 'rules.feature-done-with-unaccepted-stories.title',
    why: 'rules.feature-done-with-unaccepted-stories.why',
    fix: 'rules.feature-done-with-unaccepted-stories.fix',
  }),
  'story-without-feature': messages({
    title: 'rules.story-without-feature.title',
    why: 'rules.story-without-feature.why',
    fix: 'rules.story-without-feature.fix',
  }),
  'feature-without-stories': messages({
    title: 'rules.feature-without-stories.title',
    why: 'rules.feature-without-stories.why',
    fix: 'rules.feature-without-stories.fix',
  }),
  'owner-inactive': messages({
    title: 'rules.owner-inactive.title',
    why: 'rules.owner-inactive.why',
    fix: 'rules.owner-inactive.fix',
  }),
  'pm-po-same-person': messages({
    title: 'rules.pm-po-same-person.title',
    why: 'rules.pm-po-same-person.why',
    fix: 'rules.pm-po-same-person.fix',
  }),
  'story-rejected': messages({
    title: 'rules.story-rejected.title',
    why: 'rules.story-rejected.why',
    fix: 'rules.story-rejected.fix',
  }),
  'acceptance-criteria-changed': messages({
    title: 'rules.acceptance-criteria-changed.title',
    why: 'rules.acceptance-criteria-changed.why',
    fix: 'rules.acceptance-criteria-changed.fix',
  }),
  'acceptance-self-appointed': messages({
    title: 'rules.acceptance-self-appointed.title',
    why: 'rules.acceptance-self-appointed.why',
    fix: 'rules.acceptance-self-appointed.fix',
  }),
  'acceptance-by-assignee': messages({
    title: 'rules.acceptance-by-assignee.title',
    why: 'rules.acceptance-by-assignee.why',
    fix: 'rules.acceptance-by-assignee.fix',
  }),
  'story-missing-acceptance-criteria': messages({
    title: 'rules.story-missing-acceptance-criteria.title',
    why: 'rules.story-missing-acceptance-criteria.why',
    fix: 'rules.story-missing-acceptance-criteria.fix',
  }),
};

export function ruleTitle(rule: RuleId): string {
  return RULE_TEXT[rule].title;
}

export { RULE_IDS };
