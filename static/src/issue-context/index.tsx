/** The issue context panel: who owns each level above and at this issue, and a findings count. */
import { mount } from '../ui/boot';
import { FindingList, Owners } from '../ui/findings';
import { ErrorMessage, Loading } from '../ui/states';
import { useIssueView } from '../ui/useIssueView';
import { LEVEL_LABEL } from '../lib/format';
import { t } from '../i18n';

function IssueContext({ issueKey }: { issueKey: string }) {
  // Follows writes made in the issue panel of the same issue (useIssueView listens for them).
  const { value, reload } = useIssueView(issueKey);
  if (value.state === 'loading') return <Loading label={t('issueContext.loading')} />;
  if (value.state === 'error') return <ErrorMessage error={value.error} onRetry={reload} />;
  const { issue, chain } = value.data;
  return (
    <main aria-label={t('issueContext.label', { issue: issue.key })}>
      <dl className="popm-compact">
        {[...chain, issue].map((i) => (
          <div key={i.key}>
            <dt className="popm-muted">
              {t('issueContext.row', { role: i.role ?? LEVEL_LABEL[i.level], issue: i.key })}
            </dt>
            <dd>
              <Owners issue={i} showSource={false} />
            </dd>
          </div>
        ))}
      </dl>
      <FindingList
        findings={issue.findings}
        label={t('issuePanel.findingsOn', { issue: issue.key })}
        detailed={false}
      />
    </main>
  );
}

mount((ctx) =>
  ctx.extension.issue?.key ? (
    <IssueContext issueKey={ctx.extension.issue.key} />
  ) : (
    <ErrorMessage error={{ code: 'NOT_FOUND', message: t('issuePanel.noIssue') }} />
  ),
);
