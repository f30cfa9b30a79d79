/** The items below a feature or epic: findings below by rule (each filters the list) and the children. */
import { useState } from 'react';
import { SectionTitle } from '../ui/headings';
import Button from '@atlaskit/button/new';
import type { IssueSummary, IssueView, ResultError, RuleId } from '../../../src/shared/contract';
import { api } from '../api';
import { RULE_TEXT } from '../lib/rules';
import { CountsByRule, IssueCells, IssueTableHead } from '../ui/findings';
import { IssueLink } from '../ui/IssueLink';
import { Empty } from '../ui/states';
import { t } from '../i18n';

/** A child is shown under a rule filter when it, or something below it, has that finding. */
function hasRule(c: IssueSummary, rule: RuleId): boolean {
  return c.findings.some((f) => f.rule === rule) || (c.belowCounts[rule] ?? 0) > 0;
}

export function BelowSection({ view, onError }: { view: IssueView; onError: (error: ResultError) => void }) {
  const { issue } = view;
  const [children, setChildren] = useState(view.children);
  const [cursor, setCursor] = useState(view.childrenCursor);
  const [busy, setBusy] = useState(false);
  const [rule, setRule] = useState<RuleId | null>(null);

  const loadMore = async () => {
    if (!cursor) return;
    setBusy(true);
    const r = await api.getChildren({ issueKey: issue.key, cursor });
    setBusy(false);
    if (!r.ok) return onError(r.error);
    setChildren((c) => [...c, ...r.data.children]);
    setCursor(r.data.cursor);
  };

  const shown = rule ? children.filter((c) => hasRule(c, rule)) : children;

  return (
    <section className="popm-section" aria-labelledby="popm-below-h">
      <SectionTitle id="popm-below-h">{t('below.heading', { issue: issue.key })}</SectionTitle>
      <CountsByRule
        counts={view.countsByRule}
        label={t('below.countsLabel', { issue: issue.key })}
        selected={rule}
        onSelect={setRule}
      />
      {rule && (
        <p className="popm-muted" role="status">
          {t('below.filtered', { rule: RULE_TEXT[rule].title })}{' '}
          <button type="button" className="popm-linkish" onClick={() => setRule(null)}>
            {t('below.showAll')}
          </button>
        </p>
      )}
      {children.length === 0 ? (
        <Empty title={t('below.empty')} />
      ) : shown.length === 0 ? (
        <Empty title={t('below.emptyFiltered')} />
      ) : (
        <table className="popm-table">
          <caption className="popm-sr-only">{t('below.caption', { issue: issue.key })}</caption>
          <IssueTableHead />
          <tbody>
            {shown.map((c) => (
              <tr key={c.key} data-row-key={c.key}>
                <td>
                  <IssueLink issueKey={c.key} /> {c.summary}
                </td>
                <IssueCells issue={c} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <Button isDisabled={busy} onClick={() => void loadMore()}>
          {t('common.showMore')}
        </Button>
      )}
    </section>
  );
}
