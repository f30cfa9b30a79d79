import { mount } from '../ui/boot';
import { ProjectSettings } from './ProjectSettings';

mount((ctx) => <ProjectSettings projectKey={ctx.extension.project?.key} />);
