import { mount } from '../ui/boot';
import { AdminPage } from './Admin';

mount(() => <AdminPage />);
