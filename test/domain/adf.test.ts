import { hasAcceptanceCriteria, hasAcceptanceCriteriaSection, hasText } from '../../src/domain/adf';
import { bullets, doc, heading, para } from './builders';

describe('acceptance criteria detection', () => {
  it('sees text in a field, plain or ADF', () => {
    expect(hasText('Given X')).toBe(true);
    expect(hasText('   ')).toBe(false);
    expect(hasText(doc(para('Given X')))).toBe(true);
    expect(hasText(doc(para('  ')))).toBe(false);
    expect(hasText(doc())).toBe(false);
    expect(hasText(null)).toBe(false);
  });

  it('finds a heading followed by content', () => {
    expect(
      hasAcceptanceCriteriaSection(doc(para('Intro'), heading('Acceptance criteria'), bullets('works'))),
    ).toBe(true);
  });

  it('finds a paragraph with the content on the same line', () => {
    expect(hasAcceptanceCriteriaSection(doc(para('ACCEPTANCE CRITERIA: it works')))).toBe(true);
    expect(hasAcceptanceCriteriaSection(doc(para('Acceptance criteria:'), para('it works')))).toBe(true);
  });

  it('needs some content after the words', () => {
    expect(hasAcceptanceCriteriaSection(doc(heading('Acceptance criteria')))).toBe(false);
    expect(hasAcceptanceCriteriaSection(doc(para('Acceptance criteria:'), para(' ')))).toBe(false);
    expect(
      hasAcceptanceCriteriaSection(doc(heading('Acceptance Criteria', 2), heading('Notes', 2), para('x'))),
    ).toBe(false);
  });

  it('counts a lower-rank sub-heading as part of the section', () => {
    expect(
      hasAcceptanceCriteriaSection(doc(heading('Acceptance Criteria', 2), heading('Happy path', 3))),
    ).toBe(true);
  });

  it('ignores the words elsewhere than at the start of a block', () => {
    expect(
      hasAcceptanceCriteriaSection(doc(para('We will write the acceptance criteria later'), para('x'))),
    ).toBe(false);
  });

  it('finds sections nested in panels and tolerates junk nodes', () => {
    const nested = doc(
      { type: 'panel', content: [heading('Acceptance criteria'), para('ok')] },
      { type: 42 },
    );
    expect(hasAcceptanceCriteriaSection(nested)).toBe(true);
    expect(hasAcceptanceCriteriaSection('Acceptance criteria: x')).toBe(false);
  });

  it('does not overflow on deeply nested documents', () => {
    let node: Record<string, unknown> = para('deep');
    for (let i = 0; i < 100_000; i++) node = { type: 'blockquote', content: [node] };
    expect(hasText(doc(node))).toBe(true);
  });

  it('combines the field and the description', () => {
    expect(hasAcceptanceCriteria(null, doc(para('Acceptance criteria: x')))).toBe(true);
    expect(hasAcceptanceCriteria(doc(para('x')), null)).toBe(true);
    expect(hasAcceptanceCriteria(null, null)).toBe(false);
  });
});
