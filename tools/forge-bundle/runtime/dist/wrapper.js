// Local stand-in for Forge's Node runtime wrapper (`__forge_wrapper__.cjs`); see loader.js.
throw new Error('POPM Guard offline bundle: this is a stand-in for the Forge runtime wrapper, not the runtime');
