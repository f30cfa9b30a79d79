import { defaultLevel, levelIndex, levelOf } from '../../src/domain/levels';
import { ISSUE_TYPES, TYPE } from './builders';

describe('levels', () => {
  it.each([
    [3, false, 'portfolio'],
    [2, false, 'portfolio'],
    [1, false, 'program'],
    [0, false, 'team'],
    [-1, false, 'subtask'],
    [0, true, 'subtask'],
  ] as const)('hierarchyLevel %i (subtask %s) is %s by default', (hierarchyLevel, subtask, level) => {
    expect(defaultLevel({ hierarchyLevel, subtask })).toBe(level);
  });

  it('maps types explicitly by case-insensitive name', () => {
    const epic = { id: TYPE.epic, name: 'Epic', hierarchyLevel: 1, subtask: false };
    expect(levelOf(epic, {})).toBe('program');
    expect(levelOf(epic, { ePiC: 'portfolio' })).toBe('portfolio');
  });

  it('prefers an id mapping over a name mapping', () => {
    const bug = { id: TYPE.bug, name: 'Bug', hierarchyLevel: 0, subtask: false };
    expect(levelOf(bug, { bug: 'team', [TYPE.bug]: 'subtask' })).toBe('subtask');
  });

  it('indexes every type by id', () => {
    const index = levelIndex(ISSUE_TYPES, { Epic: 'portfolio' });
    expect(index.get(TYPE.feature)).toBe('program');
    expect(index.get(TYPE.epic)).toBe('portfolio');
    expect(index.get(TYPE.subtask)).toBe('subtask');
  });
});
