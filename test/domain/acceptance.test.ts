import { acceptanceFromProperty, isDelegate, isStale, parseAcceptance } from '../../src/domain/acceptance';
import { accepted, jiraIssue, story } from './builders';

describe('acceptance records', () => {
  it('reads the popm.acceptance property', () => {
    expect(acceptanceFromProperty(jiraIssue(story('ORB-1', { acceptance: accepted('u-po1') })))).toEqual({
      state: 'present',
      record: { acceptedBy: 'u-po1', acceptedAt: '2026-02-01T10:00:00.000Z' },
    });
    expect(acceptanceFromProperty(jiraIssue(story('ORB-1')))).toEqual({ state: 'absent' });
  });

  it('reports a malformed record with the bad path', () => {
    const read = parseAcceptance({ acceptedBy: 'u-po1', acceptedAt: 'yesterday' });
    expect(read.state).toBe('malformed');
    expect(read.state === 'malformed' && read.problem).toMatch(/acceptedAt/);
    expect(parseAcceptance({ acceptedAt: '2026-01-01T00:00:00Z' }).state).toBe('malformed');
    expect(
      parseAcceptance({ acceptedBy: 'u', acceptedAt: '2026-01-01T00:00:00Z', statusCategory: 'closed' })
        .state,
    ).toBe('malformed');
    expect(parseAcceptance('u-po1').state).toBe('malformed');
  });

  describe('staleness', () => {
    const at = '2026-02-01T10:00:00.000Z';
    const before = '2026-01-01T09:00:00.000+0000';
    const after = '2026-03-01T09:00:00.000+0000';
    it('is fresh when the status has not changed since acceptance', () => {
      expect(isStale(accepted('u', at), 'done', before)).toBe(false);
      expect(isStale(accepted('u', at), 'indeterminate', before)).toBe(false);
      expect(isStale(accepted('u', at), 'done', null)).toBe(false);
    });
    it('is stale when the story left done after acceptance', () => {
      expect(isStale(accepted('u', at), 'indeterminate', after)).toBe(true);
      expect(isStale(accepted('u', at, 'done'), 'new', after)).toBe(true);
    });
    it('is stale when accepted done and it left and came back to done', () => {
      expect(isStale(accepted('u', at, 'done'), 'done', after)).toBe(true);
      expect(isStale(accepted('u', at), 'done', after)).toBe(true); // missing category = done
    });
    it('is fresh when the change is at the very instant of acceptance', () => {
      expect(isStale(accepted('u', at), 'new', '2026-02-01T10:00:00.000+0000')).toBe(false);
    });
    it('is fresh when accepted in progress and then moved to done', () => {
      expect(isStale(accepted('u', at, 'indeterminate'), 'done', after)).toBe(false);
    });
    it('compares instants, not strings, across time zones', () => {
      // 10:30 at -0100 is 11:30Z: after an acceptance at 11:00Z.
      expect(isStale(accepted('u', '2026-02-01T11:00:00Z'), 'new', '2026-02-01T10:30:00.000-0100')).toBe(
        true,
      );
      expect(isStale(accepted('u', '2026-02-01T12:00:00Z'), 'new', '2026-02-01T10:30:00.000-0100')).toBe(
        false,
      );
    });
  });

  it('knows owner delegates and project-wide delegates', () => {
    const delegates = { 'u-po1': ['u-del1'], '*': ['u-dev1'] };
    expect(isDelegate('u-del1', ['u-po1'], delegates)).toBe(true);
    expect(isDelegate('u-del1', ['u-po2'], delegates)).toBe(false);
    expect(isDelegate('u-dev1', [], delegates)).toBe(true);
    expect(isDelegate('u-pm1', ['u-po1'], delegates)).toBe(false);
  });
});
