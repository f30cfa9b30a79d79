import { mount } from '../ui/boot';
import { ProjectPage } from './ProjectPage';

mount((ctx) => <ProjectPage projectKey={ctx.extension.project?.key} />);
