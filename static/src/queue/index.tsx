import { mount } from '../ui/boot';
import { QueuePage } from './Queue';

mount((ctx) => {
  // The local host (cloudId "local") serves the issue panel at /issue/KEY; on Jira, Jira's issue view.
  const local = (ctx as { cloudId?: unknown }).cloudId === 'local';
  const site = ctx.siteUrl ?? '';
  return <QueuePage issueHref={(key) => (local ? `/issue/${key}` : `${site}/browse/${key}`)} />;
});
