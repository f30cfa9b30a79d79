import { DEFAULT_CONFIG } from '../../src/domain/config';
import { evaluateNeighbourhood } from '../../src/domain/scoped';
import { accepted, epic, feature, site, story } from './builders';

const rulesOf = (m: ReturnType<typeof evaluateNeighbourhood>, key: string): string[] =>
  (m.get(key)?.findings ?? []).map((f) => f.rule).sort();

describe('evaluateNeighbourhood (issue panel scope)', () => {
  it('judges children from other projects as their own project would', () => {
    const s = site([
      feature('ART-1', { status: 'done' }),
      story('ORB-1', { parent: 'ART-1', status: 'done' }),
      story('NEB-1', { parent: 'ART-1', status: 'done', acceptance: accepted() }),
    ]);
    const m = evaluateNeighbourhood(s, DEFAULT_CONFIG, { complete: new Set(['ART-1']) });
    expect(rulesOf(m, 'ORB-1')).toEqual(['story-missing-po-acceptance']);
    expect(rulesOf(m, 'NEB-1')).toEqual([]);
    expect(rulesOf(m, 'ART-1')).toEqual(['feature-done-with-unaccepted-stories']);
    expect(m.get('ART-1')?.belowCounts).toEqual({ 'story-missing-po-acceptance': 1 });
  });

  it('does not judge descendant rules on issues whose children were not all read', () => {
    // An epic's panel reads its features but not their stories.
    const s = site([epic('PORT-1'), feature('ART-1', { parent: 'PORT-1', status: 'done' })]);
    const m = evaluateNeighbourhood(s, DEFAULT_CONFIG, { complete: new Set(['PORT-1']) });
    expect(rulesOf(m, 'ART-1')).toEqual([]);
    const full = evaluateNeighbourhood(s, DEFAULT_CONFIG, { complete: new Set(['PORT-1', 'ART-1']) });
    expect(rulesOf(full, 'ART-1')).toEqual(['feature-without-stories']);
  });

  it('rolls findings up through every loaded ancestor, across projects', () => {
    const s = site([
      epic('PORT-1', { epicOwner: null }),
      feature('ART-1', { parent: 'PORT-1', pm: null }),
      story('ORB-1', { parent: 'ART-1', po: null }),
    ]);
    const m = evaluateNeighbourhood(s, DEFAULT_CONFIG, { complete: new Set() });
    expect(m.get('PORT-1')?.belowCounts).toEqual({ 'feature-missing-pm': 1, 'story-missing-po': 1 });
    expect(m.get('ART-1')?.belowCounts).toEqual({ 'story-missing-po': 1 });
  });
});
