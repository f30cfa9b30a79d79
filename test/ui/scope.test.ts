import { optionFor, scopeFromSearch, scopeGroups, searchWithScope } from '../../static/src/lib/scope';
import { loadEnglish } from './english';

beforeAll(loadEnglish);

const CHOICES = {
  sprints: [
    { id: 14, name: 'ORB Sprint 4', state: 'future' as const },
    { id: 13, name: 'ORB Sprint 3', state: 'active' as const },
  ],
  versions: ['PI 2026.4'],
};

describe('scope in the URL and the picker', () => {
  it('reads ?sprint= and ?fixVersion=, a sprint first, blanks ignored', () => {
    expect(scopeFromSearch('?sprint=13&rule=story-missing-po')).toEqual({ sprint: '13' });
    expect(scopeFromSearch('?fixVersion=PI%202026.4')).toEqual({ fixVersion: 'PI 2026.4' });
    expect(scopeFromSearch('?sprint=active&fixVersion=PI')).toEqual({ sprint: 'active' });
    expect(scopeFromSearch('?sprint=%20')).toEqual({});
    expect(scopeFromSearch('')).toEqual({});
  });

  it('writes the scope and keeps the filters', () => {
    expect(searchWithScope('?rule=story-missing-po&sprint=13', { fixVersion: 'PI 2026.4' })).toBe(
      '?rule=story-missing-po&fixVersion=PI+2026.4',
    );
    expect(searchWithScope('?sprint=13', {})).toBe('');
  });

  it('offers active sprints, each sprint and each version; shows a sprint named by name', () => {
    const groups = scopeGroups(CHOICES);
    expect(groups.map((g) => g.options.map((o) => o.label))).toEqual([
      ['Active sprints', 'ORB Sprint 4 (future)', 'ORB Sprint 3 (active)'],
      ['PI 2026.4'],
    ]);
    expect(optionFor({ sprint: 'ORB Sprint 3' }, CHOICES)?.value).toBe('sprint:13');
    expect(optionFor({ sprint: 'Nope' }, CHOICES)?.label).toBe('Nope');
    expect(optionFor({}, CHOICES)).toBeNull();
  });
});
