/**
 * Stands in for `@atlaskit/feature-gate-js-client/feature-gates` in the UI bundles (aliased in
 * scripts/build-ui.ts). Atlaskit reads platform flags through it, but in a Forge app nobody
 * initialises the client, so the real one answers every gate with `false` after a console warning;
 * this answers the same without shipping the ~120 KB Statsig client. The build fails if any other
 * part of the feature-gate package is bundled, so a new use cannot be stubbed out silently.
 */
const FeatureGates = {
  initializeCompleted: (): boolean => false,
  checkGate: (_gateName: string): boolean => false,
  getExperimentValue: <T>(_experiment: string, _parameter: string, defaultValue: T): T => defaultValue,
};

export default FeatureGates;
