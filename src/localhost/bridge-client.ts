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

  // Jira sizes Custom UI iframes to their content; tell the host our height. css-reset gives <html>
  // and <body> the frame's height (height:100%), so measuring either would feed the frame's own
  // height back and grow it on every report. Measure where the content ends instead: the bottom of
  // the app's root element (and any other in-flow child of <body>), plus <body>'s bottom margin.
  var lastHeight = 0;
  function contentBottom() {
    var body = document.body;
    if (!body) return 0;
    var bottom = 0;
    for (var i = 0; i < body.children.length; i++) {
      var el = body.children[i];
      if (el.tagName === 'SCRIPT' || el.tagName === 'STYLE') continue;
      var pos = window.getComputedStyle(el).position;
      // Fixed layers (modals, flags) cover the frame; they do not make the content taller.
      if (pos === 'fixed') continue;
      var r = el.getBoundingClientRect();
      if (r.height > 0) bottom = Math.max(bottom, r.bottom + window.scrollY);
    }
    return bottom + (parseFloat(window.getComputedStyle(body).marginBottom) || 0);
  }
  function reportSize() {
    var h = Math.ceil(contentBottom()) + 16;
    if (h !== lastHeight) {
      lastHeight = h;
      post({ type: 'popm:resize', height: h });
    }
  }
  window.addEventListener('DOMContentLoaded', function () {
    if (window.ResizeObserver) {
      var ro = new ResizeObserver(reportSize);
      var observeChildren = function () {
        for (var i = 0; i < document.body.children.length; i++) ro.observe(document.body.children[i]);
      };
      observeChildren();
      // Portals (menus, popups) are added to <body> later; observe them too.
      new MutationObserver(function () {
        observeChildren();
        reportSize();
      }).observe(document.body, { childList: true });
    }
    reportSize();
  });
})();
`;
