/** Findings, owners, acceptance and counts: the pieces every surface shows. */
import Avatar from '@atlaskit/avatar';
import Lozenge from '@atlaskit/lozenge';
import type {
  Coverage,
  Finding,
  IssueSummary,
  OwnerView,
  RuleId,
  Severity,
} from '../../../src/shared/contract';
import { RULE_IDS } from '../../../src/domain/types';
import { RULE_TEXT } from '../lib/rules';
import { dateTime, friendlyDate, OWNER_SOURCE_LABEL, percent, SEVERITY_LABEL } from '../lib/format';
import { IssueLink } from './IssueLink';
import { t, tx } from '../i18n';

const SEVERITY_APPEARANCE = { error: 'removed', warning: 'moved', info: 'default' } as const;

export function SeverityLozenge({ severity }: { severity: Severity }) {
  return <Lozenge appearance={SEVERITY_APPEARANCE[severity]}>{SEVERITY_LABEL[severity]}</Lozenge>;
}

/** One finding with its why and how-to-fix. Carries the contract's data attributes. */
const STATUS_APPEARANCE = { done: 'success', indeterminate: 'inprogress', new: 'default' } as const;

/** A Jira status the way Jira colours it: by its category. */
export function StatusLozenge({ status }: { status: IssueSummary['status'] }) {
  return <Lozenge appearance={STATUS_APPEARANCE[status.category]}>{status.name}</Lozenge>;
}

export function FindingItem({ finding, detailed = true }: { finding: Finding; detailed?: boolean }) {
  const text = RULE_TEXT[finding.rule];
  return (
    <li
      className="popm-finding"
      data-rule={finding.rule}
      data-issue-key={finding.issueKey}
      data-severity={finding.severity}
    >
      <div className="popm-finding-head">
        <SeverityLozenge severity={finding.severity} /> <strong>{text.title}</strong>{' '}
        <IssueLink issueKey={finding.issueKey} className="popm-key" />
      </div>
      <div>{finding.message}</div>
      {detailed && (
        <div className="popm-muted">
          <span>{t('findings.why', { why: text.why })}</span>{' '}
          <span>{t('findings.fix', { fix: text.fix })}</span>
        </div>
      )}
    </li>
  );
}

export function FindingList({
  findings,
  label,
  detailed = true,
}: {
  findings: readonly Finding[];
  label: string;
  detailed?: boolean;
}) {
  if (findings.length === 0) return <p className="popm-ok">{t('states.noFindings')}</p>;
  return (
    <ul className="popm-findings" aria-label={label}>
      {findings.map((f) => (
        <FindingItem key={`${f.issueKey}:${f.rule}`} finding={f} detailed={detailed} />
      ))}
    </ul>
  );
}

/** Compact finding badges for table cells: still one element per finding, with the attributes. */
export function FindingBadges({ findings }: { findings: readonly Finding[] }) {
  if (findings.length === 0) return <span className="popm-muted">{t('states.none')}</span>;
  return (
    <ul className="popm-badges" aria-label={t('findings.badgesLabel')}>
      {findings.map((f) => (
        <li key={f.rule} data-rule={f.rule} data-issue-key={f.issueKey} data-severity={f.severity}>
          <IssueLink issueKey={f.issueKey} title={f.message} className="popm-badge-link">
            <SeverityLozenge severity={f.severity} /> {RULE_TEXT[f.rule].title}
          </IssueLink>
        </li>
      ))}
    </ul>
  );
}

export function OwnerChip({ owner }: { owner: OwnerView }) {
  return (
    <span className="popm-owner">
      <Avatar size="small" src={owner.avatarUrl} name={owner.displayName} />
      <span>
        {owner.displayName}
        {!owner.active && <span className="popm-muted"> {t('owners.inactive')}</span>}
      </span>
    </span>
  );
}

export function Owners({
  issue,
  showSource = true,
  quiet = false,
}: {
  issue: Pick<IssueSummary, 'owners' | 'ownerSource' | 'role'>;
  showSource?: boolean;
  /** A row shown for context only (another project's issue above a match): no alarm colours. */
  quiet?: boolean;
}) {
  if (issue.owners.length === 0) {
    // Sub-tasks have no owning role by design: nothing is missing.
    if (!issue.role) return <span className="popm-muted">{t('owners.noRole')}</span>;
    return (
      <span className={quiet ? 'popm-muted' : 'popm-missing'}>{t('owners.none', { role: issue.role })}</span>
    );
  }
  return (
    <span className="popm-owners">
      {issue.owners.map((o) => (
        <OwnerChip key={o.accountId} owner={o} />
      ))}
      {showSource && issue.ownerSource && (
        <span className="popm-muted"> · {OWNER_SOURCE_LABEL[issue.ownerSource]}</span>
      )}
    </span>
  );
}

export function Acceptance({ issue }: { issue: Pick<IssueSummary, 'acceptance' | 'level'> }) {
  if (issue.level !== 'team') return <span className="popm-muted">—</span>;
  const a = issue.acceptance;
  if (!a) return <span className="popm-muted">{t('acceptance.notAccepted')}</span>;
  const who = a.acceptedByName ?? a.acceptedBy;
  return (
    <span data-acceptance={a.valid ? 'valid' : a.stale ? 'stale' : 'invalid'}>
      {tx('acceptance.summary', {
        state: (
          <Lozenge appearance={a.valid ? 'success' : 'moved'}>
            {a.valid ? t('acceptance.accepted') : a.stale ? t('acceptance.stale') : t('acceptance.notByPo')}
          </Lozenge>
        ),
        who,
        when: (
          <time dateTime={a.acceptedAt} title={dateTime(a.acceptedAt)}>
            {friendlyDate(a.acceptedAt)}
          </time>
        ),
      })}
    </span>
  );
}

/**
 * Findings by rule. With `onSelect`, each rule is a toggle that filters the list it sits above
 * (pressed again, or another rule, changes the filter); `selected` is the rule filtered on.
 */
export function CountsByRule({
  counts,
  label,
  selected = null,
  onSelect,
}: {
  counts: Partial<Record<RuleId, number>>;
  label: string;
  selected?: RuleId | null;
  onSelect?: (rule: RuleId | null) => void;
}) {
  const entries = RULE_IDS.filter((r) => (counts[r] ?? 0) > 0);
  if (entries.length === 0) return <p className="popm-ok">{t('states.noFindings')}</p>;
  return (
    <table className="popm-counts">
      <caption className="popm-sr-only">{label}</caption>
      <thead>
        <tr>
          <th scope="col">{t('findings.ruleColumn')}</th>
          <th scope="col">{t('findings.countColumn')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((r) => (
          <tr key={r} data-count-rule={r}>
            <td>
              {onSelect ? (
                <button
                  type="button"
                  className="popm-linkish"
                  aria-pressed={selected === r}
                  data-action="filter-rule"
                  onClick={() => onSelect(selected === r ? null : r)}
                >
                  {RULE_TEXT[r].title}
                </button>
              ) : (
                RULE_TEXT[r].title
              )}
            </td>
            <td>{counts[r]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CoverageFigures({ coverage }: { coverage: Coverage }) {
  return (
    <dl className="popm-coverage">
      <div>
        <dt>{t('coverage.featuresWithPm')}</dt>
        <dd data-coverage="featuresWithPm">{percent(coverage.featuresWithPm)}</dd>
      </div>
      <div>
        <dt>{t('coverage.doneStoriesAccepted')}</dt>
        <dd data-coverage="doneStoriesAccepted">{percent(coverage.doneStoriesAccepted)}</dd>
      </div>
    </dl>
  );
}

/** The header of a table of issues: the issue column, then the columns of `IssueCells`. */
export function IssueTableHead() {
  return (
    <thead>
      <tr>
        <th scope="col">{t('issueTable.issue')}</th>
        <th scope="col">{t('issueTable.owner')}</th>
        <th scope="col">{t('issueTable.status')}</th>
        <th scope="col">{t('issueTable.acceptance')}</th>
        <th scope="col">{t('issueTable.findings')}</th>
      </tr>
    </thead>
  );
}

/** One issue's owner, status, acceptance and findings cells, the same wherever issues are listed. */
export function IssueCells({
  issue,
  findings = issue.findings,
  quiet = false,
}: {
  issue: IssueSummary;
  findings?: readonly Finding[];
  /** A context row: shown for where it sits in the tree, not checked here. */
  quiet?: boolean;
}) {
  return (
    <>
      <td>
        <Owners issue={issue} showSource={false} quiet={quiet} />
      </td>
      <td>
        <StatusLozenge status={issue.status} />
      </td>
      <td>
        <Acceptance issue={issue} />
      </td>
      <td>
        <FindingBadges findings={findings} />
      </td>
    </>
  );
}
