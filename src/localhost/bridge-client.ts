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
    root.setAttribute('data-theme', 'dark:dark light:light spacing:spacing typography:typography shape:shape');
  }
  // Like Jira, the host provides the design token CSS to a themed app; resolves once it applies.
  var tokensLoaded = null;
  function loadTokens() {
    if (!tokensLoaded) {
      tokensLoaded = new Promise(function (resolve) {
        var link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = '/__host/tokens.css';
        link.onload = link.onerror = function () {
          resolve();
        };
        document.head.appendChild(link);
      });
    }
    return tokensLoaded;
  }

  // The signed-in user and theme live in the host page's query string; links keep them.
  function hostParams() {
    var p = new URLSearchParams();
    p.set('as', session.context.accountId);
    if (colorMode === 'dark') p.set('theme', 'dark');
    return p;
  }
  var top = host || window;
  // Jira's own pages as the local host serves them (router targets of @forge/bridge).
  function urlOf(location) {
    if (typeof location === 'string') return location;
    var q = '?' + hostParams().toString();
    if (location.target === 'issue') return origin + '/issue/' + encodeURIComponent(location.issueKey) + q;
    if (location.target === 'projectSettingsDetails')
      return origin + '/project/' + encodeURIComponent(location.projectKey) + '/settings' + q;
    if (location.target === 'module' && location.projectKey)
      return origin + '/project/' + encodeURIComponent(location.projectKey) + (location.path || '') + q;
    throw new Error('the local host cannot link to ' + JSON.stringify(location.target));
  }

  // Event subscriptions of this frame (events.on); the host page relays emits between frames.
  var subscriptions = {};
  var nextSubscription = 1;

  // view.createHistory: the app's own query parameters in the host page's URL (minus as/theme).
  var historyListeners = [];
  function appLocation() {
    var p = new URLSearchParams(top.location.search);
    p.delete('as');
    p.delete('theme');
    var q = p.toString();
    return { pathname: '/', search: q ? '?' + q : '', hash: '', state: null, key: 'popm' };
  }
  function writeHistory(method, to) {
    var search = typeof to === 'string' ? (to.indexOf('?') >= 0 ? to.slice(to.indexOf('?')) : '') : to.search || '';
    var p = new URLSearchParams(search);
    var keep = new URLSearchParams(top.location.search);
    ['as', 'theme'].forEach(function (k) {
      if (keep.has(k)) p.set(k, keep.get(k));
    });
    var q = p.toString();
    top.history[method](null, '', top.location.pathname + (q ? '?' + q : ''));
    var loc = appLocation();
    historyListeners.slice().forEach(function (l) {
      l(loc, method === 'pushState' ? 'PUSH' : 'REPLACE');
    });
  }
  if (host) {
    host.addEventListener('popstate', function () {
      var loc = appLocation();
      historyListeners.slice().forEach(function (l) {
        l(loc, 'POP');
      });
    });
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
      return loadTokens();
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
    getUrl: function (location) {
      return urlOf(location);
    },
    navigate: function (p) {
      var url = urlOf(p.url !== undefined ? p.url : p);
      if (p.type === 'new-tab') window.open(url, '_blank', 'noopener');
      // The frame is sandboxed under Forge's CSP: the host page navigates, as Jira does.
      else post({ type: 'popm:navigate', url: url });
    },
    emit: function (p) {
      post({ type: 'popm:event', event: String(p.event), payload: p.payload === undefined ? null : p.payload });
    },
    on: function (p) {
      var id = nextSubscription++;
      subscriptions[id] = { event: String(p.event), callback: p.callback };
      return {
        unsubscribe: function () {
          delete subscriptions[id];
        },
      };
    },
    createHistory: function () {
      return {
        location: appLocation(),
        action: 'POP',
        push: function (to) {
          writeHistory('pushState', to);
        },
        replace: function (to) {
          writeHistory('replaceState', to);
        },
        go: function (n) {
          top.history.go(n);
        },
        back: function () {
          top.history.back();
        },
        forward: function () {
          top.history.forward();
        },
        listen: function (l) {
          historyListeners.push(l);
          return function () {
            historyListeners = historyListeners.filter(function (x) {
              return x !== l;
            });
          };
        },
      };
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
    if (e.origin !== origin || !e.data) return;
    if (e.data.type === 'popm:event') {
      Object.keys(subscriptions).forEach(function (id) {
        var s = subscriptions[id];
        if (s && s.event === e.data.event) s.callback(e.data.payload);
      });
      return;
    }
    if (e.data.type !== 'popm:theme') return;
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
