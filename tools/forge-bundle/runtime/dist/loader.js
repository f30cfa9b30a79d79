// Local stand-in for Forge's Node runtime loader (`__forge__.cjs`). `forge deploy` downloads the
// real loader and wrapper from Atlassian's CDN; the offline bundle check (tools/forge-bundle) needs
// only a file in their place, so this one refuses to run rather than pretend to be the platform.
// test/bundle/harness.ts loads the bundled `index.cjs` directly and plays the platform's part.
throw new Error('POPM Guard offline bundle: this is a stand-in for the Forge runtime loader, not the runtime');
