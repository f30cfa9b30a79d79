import { mount } from '../ui/boot';
import { IssuePanel } from './IssuePanel';

mount((ctx) => <IssuePanel issueKey={ctx.extension.issue?.key} />);
