/**
 * The browser half of the local Custom UI host: the `window.__bridge` object that @forge/bridge
 * calls (`globalThis.__bridge.callBridge(name, payload)`, see node_modules/@forge/bridge/out/bridge.js).
 * Injected into each bundle's index.html before the bundle runs, as Jira injects its own.
 *
 * Kept as plain ES2017 source in a string: it is served to the browser verbatim, not bundled.
 */
export const BRIDGE_CLIENT_JS = String.raw`(function () {
  'use strict';
  var session = window.__POPM_SESSION;
  var origin = window.location.origin;
  var host = window.parent && window.parent !== window ? window.parent : null;
  var colorMode = session.context.theme.colorMode;
  var themingEnabled = false;

  function post(message) {
    if (host) host.postMessage(Object.assign({ frame: session.frame }, message), origin);
  }
  function applyTheme() {
    var root = document.documentElement;
    root.setAttribute('data-color-mode', colorMode);
    root.setAttribute('data-theme', 'dark:dark light:light spacing:spacing typography:typography');
  }

  var handlers = {
    getContext: function () {
      var ctx = JSON.parse(JSON.stringify(session.context));
      ctx.theme = { colorMode: colorMode };
      return ctx;
    },
    invoke: function (p) {
      return fetch('/__invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-popm-session': session.token },
        body: JSON.stringify({ functionKey: p.functionKey, payload: p.payload === undefined ? {} : p.payload }),
      }).then(function (res) {
        return res.text().then(function (text) {
          if (!res.ok) throw new Error('invoke ' + p.functionKey + ' failed with HTTP ' + res.status + ': ' + text);
          return JSON.parse(text);
        });
      });
    },
    submit: function (payload) {
      if (!session.submittable) return false;
      post({ type: 'popm:submit', payload: payload });
      return true;
    },
    showFlag: function (options) {
      post({ type: 'popm:flag', options: { id: String(options.id), title: String(options.title || ''), description: options.description ? String(options.description) : '', type: String(options.type || 'info') } });
    },
    closeFlag: function (p) {
      post({ type: 'popm:closeFlag', id: String(p && p.id) });
    },
    enableTheming: function () {
      themingEnabled = true;
      applyTheme();
    },
    close: function () {
      post({ type: 'popm:close' });
    },
    refresh: function () {
      window.location.reload();
    },
    reload: function () {
      window.location.reload();
    },
  };

  window.__bridge = {
    callBridge: function (name, payload) {
      return Promise.resolve().then(function () {
        var h = handlers[name];
        // Jira quietly accepts calls it has nothing to do for (analytics, resize hints...).
        return h ? h(payload) : undefined;
      });
    },
  };

  window.addEventListener('message', function (e) {
    if (e.origin !== origin || !e.data || e.data.type !== 'popm:theme') return;
    colorMode = e.data.colorMode === 'dark' ? 'dark' : 'light';
    if (themingEnabled) applyTheme();
  });

  // Jira sizes Custom UI iframes to their content; tell the host our height.
  // <html> may be styled to the frame's height, so measure and observe <body>'s content.
  var lastHeight = 0;
  function reportSize() {
    var h = Math.ceil(document.body ? document.body.getBoundingClientRect().height : 0) + 16;
    if (h !== lastHeight) {
      lastHeight = h;
      post({ type: 'popm:resize', height: h });
    }
  }
  window.addEventListener('DOMContentLoaded', function () {
    if (window.ResizeObserver) new ResizeObserver(reportSize).observe(document.body);
    reportSize();
  });
})();
`;
