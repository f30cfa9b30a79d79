/** An issue key as a link to Jira's issue view: the one way every surface shows a key. */
import type { MouseEvent, ReactNode } from 'react';
import { issueUrl, openIssue } from '../lib/links';

export function IssueLink({
  issueKey,
  children,
  className,
  title,
}: {
  issueKey: string;
  children?: ReactNode;
  className?: string;
  title?: string;
}) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    openIssue(issueKey, false);
  };
  return (
    <a href={issueUrl(issueKey)} onClick={onClick} className={className} title={title} target="_top">
      {children ?? issueKey}
    </a>
  );
}
