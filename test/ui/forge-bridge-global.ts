/**
 * @forge/bridge looks for the host's bridge when it is first imported; this stands in for it (the
 * i18n calls under test fetch files and never call the bridge).
 */
(globalThis as { __bridge?: unknown }).__bridge = {
  callBridge: () => Promise.reject(new Error('no host bridge in this test')),
};
