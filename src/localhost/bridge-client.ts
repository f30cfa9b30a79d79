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

  // Jira's answer to a resolver that needs the user's consent: a prompt in place of the app, whose
  // "Allow access" grants it (here: tells the local host) and reloads the app.
  function showConsentPrompt() {
    if (document.getElementById('popm-consent')) return;
    var box = document.createElement('div');
    box.id = 'popm-consent';
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-label', 'Allow access');
    box.style.cssText = 'display:flex;flex-direction:column;align-items:center;gap:12px;padding:24px 16px;' +
      'text-align:center;font-family:sans-serif;' +
      'background:' + (colorMode === 'dark' ? '#1d2125;color:#b6c2cf' : '#fff;color:#172b4d');
    var text = document.createElement('p');
    text.textContent = 'POPM Guard needs access to Jira on your behalf. Allow access to continue.';
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Allow access';
    button.addEventListener('click', function () {
      button.disabled = true;
      fetch('/__consent', { method: 'POST', headers: { 'x-popm-session': session.token } }).then(function () {
        window.location.reload();
      });
    });
    box.appendChild(text);
    box.appendChild(button);
    var app = document.getElementById('root');
    if (app) app.style.display = 'none';
    document.body.insertBefore(box, document.body.firstChild);
    button.focus();
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
          if (res.status === 401 && text.indexOf('"consent"') >= 0) showConsentPrompt();
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
