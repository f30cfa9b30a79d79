/** Human words for each rule: a short title, why it matters, and how to fix it (rules.md). */
import { RULE_IDS, type RuleId } from '../../../src/domain/types';

export interface RuleText {
  title: string;
  why: string;
  fix: string;
}

export const RULE_TEXT: Record<RuleId, RuleText> = {
  'feature-missing-pm': {
    title: 'Feature without Product Manager',
    why: 'Nobody owns what this feature should deliver.',
    fix: 'Set the Product Manager field, or map the team or project to a default PM in settings.',
  },
  'epic-missing-owner': {
    title: 'Epic without Epic Owner',
    why: 'Nobody is accountable for this epic across the portfolio.',
    fix: 'Set the Epic Owner field on the epic.',
  },
  'story-missing-po': {
    title: 'Story without Product Owner',
    why: 'Nobody can accept this story on behalf of the customer.',
    fix: 'Set the Product Owner field, or map the story’s team to a PO in settings.',
  },
  'story-missing-po-acceptance': {
    title: 'Story not accepted by its PO',
    why: 'Work is being done or is done without the PO confirming it meets the need.',
    fix: 'The Product Owner opens the story and uses Accept.',
  },
  'acceptance-not-by-po': {
    title: 'Accepted by someone other than the PO',
    why: 'The acceptance was recorded by a person who is neither an owner nor a delegate.',
    fix: 'The PO revokes and accepts again, or an admin adds the person as a delegate.',
  },
  'acceptance-stale': {
    title: 'Acceptance is out of date',
    why: 'The story changed status after it was accepted.',
    fix: 'The PO reviews the story again and re-accepts it once it is done.',
  },
  'feature-done-with-unaccepted-stories': {
    title: 'Done feature with unaccepted stories',
    why: 'The feature is closed while some of its stories were never validly accepted.',
    fix: 'Have the POs accept the stories below, or reopen the feature.',
  },
  'story-without-feature': {
    title: 'Story outside any feature',
    why: 'The story cannot be traced to a feature and its PM.',
    fix: 'Set the story’s parent to the feature it serves.',
  },
  'feature-without-stories': {
    title: 'Feature without stories',
    why: 'The feature has no team-level work planned yet.',
    fix: 'Break the feature down into stories, or close it if it is no longer needed.',
  },
  'owner-inactive': {
    title: 'Owner is inactive',
    why: 'An owner’s account is deactivated, so nobody can act for them.',
    fix: 'Assign an active person in the owner field.',
  },
  'pm-po-same-person': {
    title: 'PM is also a PO below',
    why: 'SAFe advises separate people for content authority at feature and story level.',
    fix: 'Consider a different Product Owner for the stories, or a different PM.',
  },
  'story-rejected': {
    title: 'Story rejected by its PO',
    why: 'The Product Owner reviewed the story and said it does not meet the need yet.',
    fix: 'Address the reason given, then ask the PO to review the story again.',
  },
  'acceptance-criteria-changed': {
    title: 'Criteria changed after acceptance',
    why: 'The story was accepted against acceptance criteria that have changed since.',
    fix: 'The PO reviews the new criteria and accepts the story again.',
  },
  'acceptance-self-appointed': {
    title: 'Acceptor made themselves PO',
    why: 'The person who accepted had set themselves as the story’s owner shortly before.',
    fix: 'Have the story’s intended Product Owner review it, revoke and accept again.',
  },
  'acceptance-by-assignee': {
    title: 'Accepted by the assignee',
    why: 'Separation of duties: the person who did the work also accepted it.',
    fix: 'Another Product Owner or a delegate accepts the story instead.',
  },
  'story-missing-acceptance-criteria': {
    title: 'Story without acceptance criteria',
    why: 'Nobody can tell when this story is done.',
    fix: 'Fill the Acceptance Criteria field, or add an "Acceptance criteria" section to the description.',
  },
};

export function ruleTitle(rule: RuleId): string {
  return RULE_TEXT[rule].title;
}

export { RULE_IDS };
