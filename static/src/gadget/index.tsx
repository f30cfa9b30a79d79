import { mount } from '../ui/boot';
import { GadgetEdit, GadgetView, readGadgetConfig } from './Gadget';

mount((ctx) => {
  const config = readGadgetConfig(ctx.extension.gadgetConfiguration);
  return ctx.extension.entryPoint === 'edit' ? (
    <GadgetEdit initial={config} />
  ) : (
    <GadgetView config={config} />
  );
});
