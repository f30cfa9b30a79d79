/** HTML of the local host's own pages: the index and the frame around each surface. */
import type { Snapshot } from '../snapshot/format';

export function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** JSON safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export type ColorMode = 'light' | 'dark';

const HOST_CSS = `
:root { color-scheme: light; --bg:#f7f8f9; --fg:#172b4d; --panel:#fff; --border:#dcdfe4; --muted:#44546f; --link:#0c66e4; }
html[data-host-theme='dark'] { color-scheme: dark; --bg:#161a1d; --fg:#b6c2cf; --panel:#22272b; --border:#38414a; --muted:#9fadbc; --link:#579dff; }
body { margin:0; font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,sans-serif; background:var(--bg); color:var(--fg); font-size:14px; }
header.host { display:flex; gap:16px; align-items:center; flex-wrap:wrap; padding:8px 16px; border-bottom:1px solid var(--border); background:var(--panel); }
header.host .brand { font-weight:700; color:var(--fg); text-decoration:none; }
header.host .spacer { flex:1; }
header.host select, header.host button { font:inherit; color:var(--fg); background:var(--panel); border:1px solid var(--border); border-radius:3px; padding:4px 8px; }
main.host { padding:16px; display:flex; gap:16px; align-items:flex-start; flex-wrap:wrap; }
.frame { background:var(--panel); border:1px solid var(--border); border-radius:4px; padding:0; }
.frame h2 { font-size:12px; text-transform:uppercase; color:var(--muted); margin:0; padding:8px 12px; border-bottom:1px solid var(--border); }
.frame iframe { border:0; width:100%; display:block; min-height:120px; }
.frame.main { flex:3 1 640px; }
.frame.side { flex:1 1 280px; }
.frame.gadget { flex:0 1 420px; }
#flags { position:fixed; bottom:16px; left:16px; display:flex; flex-direction:column; gap:8px; z-index:10; }
#flags .flag { background:var(--panel); border:1px solid var(--border); border-left:4px solid #1f845a; padding:8px 12px; border-radius:3px; box-shadow:0 4px 8px rgba(9,30,66,.25); }
#flags .flag[data-type='error'] { border-left-color:#c9372c; }
a { color:var(--link); }
ul.links li { margin:4px 0; }
section.card { background:var(--panel); border:1px solid var(--border); border-radius:4px; padding:12px 16px; margin:0 0 16px; flex:1 1 100%; }
`;

export interface UserOption {
  accountId: string;
  displayName: string;
  admin: boolean;
  /** What the person owns, e.g. "PO of 42 stories in ORB; PM of 3 features in ART; admin". */
  owns: string;
}

function userSelect(users: UserOption[], current: string): string {
  const opts = users
    .map(
      (u) =>
        `<option value="${esc(u.accountId)}"${u.accountId === current ? ' selected' : ''}>${esc(u.displayName)} — ${esc(u.owns)}</option>`,
    )
    .join('');
  return `<label for="as">Signed in as</label> <select id="as" name="as">${opts}</select>`;
}

const HOST_JS = String.raw`
(function () {
  var origin = location.origin;
  var params = new URLSearchParams(location.search);
  var as = document.getElementById('as');
  if (as) as.addEventListener('change', function () { params.set('as', as.value); location.search = params.toString(); });
  var toggle = document.getElementById('theme');
  function mode() { return document.documentElement.getAttribute('data-host-theme') === 'dark' ? 'dark' : 'light'; }
  function label() { toggle.setAttribute('aria-pressed', String(mode() === 'dark')); }
  if (toggle) {
    label();
    toggle.addEventListener('click', function () {
      var next = mode() === 'dark' ? 'light' : 'dark';
      document.documentElement.setAttribute('data-host-theme', next);
      params.set('theme', next);
      history.replaceState(null, '', location.pathname + '?' + params.toString());
      label();
      document.querySelectorAll('iframe').forEach(function (f) { f.contentWindow && f.contentWindow.postMessage({ type: 'popm:theme', colorMode: next }, origin); });
    });
  }
  var flags = document.getElementById('flags');
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || !e.data || typeof e.data.type !== 'string') return;
    var d = e.data;
    var frame = d.frame ? document.querySelector('iframe[data-frame="' + d.frame + '"]') : null;
    if (d.type === 'popm:resize' && frame) frame.style.height = Math.max(120, Math.min(20000, Number(d.height) || 0)) + 'px';
    if (d.type === 'popm:flag' && flags) {
      var el = document.createElement('div');
      el.className = 'flag'; el.setAttribute('data-type', d.options.type); el.setAttribute('data-flag-id', d.options.id);
      var t = document.createElement('strong'); t.textContent = d.options.title; el.appendChild(t);
      if (d.options.description) { var p = document.createElement('div'); p.textContent = d.options.description; el.appendChild(p); }
      flags.appendChild(el);
      setTimeout(function () { el.remove(); }, 8000);
    }
    if (d.type === 'popm:closeFlag' && flags) { var f = flags.querySelector('[data-flag-id="' + d.id + '"]'); if (f) f.remove(); }
    if (d.type === 'popm:submit' && window.__popmOnSubmit) window.__popmOnSubmit(d.payload);
    // router.navigate: as on Jira, the host moves the page (a sandboxed frame may not), same origin only.
    if (d.type === 'popm:navigate' && typeof d.url === 'string' && new URL(d.url, window.location.href).origin === origin) window.location.assign(d.url);
    // events.emit: as on Jira, every other frame of the app on the page hears it.
    if (d.type === 'popm:event') document.querySelectorAll('iframe').forEach(function (f) { if (f !== frame && f.contentWindow) f.contentWindow.postMessage({ type: 'popm:event', event: d.event, payload: d.payload }, origin); });
  });
})();
`;

export interface FrameSpec {
  /** The surface bundle to embed. */
  surface: string;
  /** Session token for this frame. */
  token: string;
  title: string;
  className: 'main' | 'side' | 'gadget';
}

export function hostPage(opts: {
  title: string;
  users: UserOption[];
  accountId: string;
  theme: ColorMode;
  frames: FrameSpec[];
  /** Extra controls in the header (e.g. the gadget's Edit link). */
  actions?: string;
  /** Script run on the host when a frame calls view.submit (the gadget's edit view). */
  onSubmitJs?: string;
}): string {
  const frames = opts.frames
    .map(
      (f) => `<section class="frame ${f.className}" aria-label="${esc(f.title)}">
<h2>${esc(f.title)}</h2>
<iframe data-frame="${esc(f.token)}" data-surface="${esc(f.surface)}" title="${esc(f.title)}" src="/__frame/${esc(f.surface)}/index.html?s=${esc(f.token)}"></iframe>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en" data-host-theme="${opts.theme}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)} · POPM Guard (local)</title><style>${HOST_CSS}</style></head>
<body>
<header class="host">
<a class="brand" href="/?as=${encodeURIComponent(opts.accountId)}&amp;theme=${opts.theme}">POPM Guard · local Jira</a>
<span>${esc(opts.title)}</span>
${opts.actions ?? ''}
<span class="spacer"></span>
${userSelect(opts.users, opts.accountId)}
<button type="button" id="theme" aria-pressed="false">Dark theme</button>
</header>
<main class="host">
${frames}
</main>
<div id="flags" role="status" aria-live="polite"></div>
<script>${opts.onSubmitJs ? `window.__popmOnSubmit = ${opts.onSubmitJs};` : ''}${HOST_JS}</script>
</body></html>`;
}

export function indexPage(opts: {
  snapshot: Snapshot;
  users: UserOption[];
  accountId: string;
  theme: ColorMode;
  levelOf: (typeId: string) => string;
}): string {
  const q = `as=${encodeURIComponent(opts.accountId)}&amp;theme=${opts.theme}`;
  const projects = opts.snapshot.projects
    .map((p) => {
      const issues = opts.snapshot.issues.filter((i) => i.fields.project === p.key);
      const samples: string[] = [];
      for (const level of ['portfolio', 'program', 'team']) {
        for (const i of issues.filter((x) => opts.levelOf(x.fields.issuetype) === level).slice(0, 3)) {
          samples.push(
            `<li><a href="/issue/${esc(i.key)}?${q}">${esc(i.key)}</a> ${esc(i.fields.summary)} <span>(${esc(level)})</span></li>`,
          );
        }
      }
      return `<section class="card" aria-labelledby="p-${esc(p.key)}">
<h2 id="p-${esc(p.key)}">${esc(p.name)} (${esc(p.key)})</h2>
<ul class="links">
<li><a href="/project/${esc(p.key)}?${q}">Project page</a></li>
<li><a href="/project/${esc(p.key)}/settings?${q}">Project settings</a></li>
<li><a href="/gadget?project=${esc(p.key)}&amp;${q}">Dashboard gadget</a></li>
</ul>
<h3>Issues (issue panel)</h3>
<ul class="links">${samples.join('')}</ul>
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en" data-host-theme="${opts.theme}">
<head><meta charset="utf-8"><title>POPM Guard (local)</title><style>${HOST_CSS}</style></head>
<body>
<header class="host"><a class="brand" href="/?${q}">POPM Guard · local Jira</a><span class="spacer"></span>
${userSelect(opts.users, opts.accountId)}
<button type="button" id="theme" aria-pressed="false">Dark theme</button></header>
<main class="host">
<section class="card" aria-labelledby="site-h"><h1 id="site-h" style="font-size:18px;margin:0 0 8px">${esc(opts.snapshot.site.baseUrl)}</h1>
<p>Every page below runs the production UI bundles against the real resolvers, over a local Jira emulator. Writes last until the process stops.</p>
<ul class="links"><li><a href="/admin?${q}">Admin page (site settings)</a></li><li><a href="/queue?${q}">Awaiting my acceptance</a></li></ul></section>
${projects}
</main>
<script>${HOST_JS}</script>
</body></html>`;
}

export function messagePage(status: number, title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${HOST_CSS}</style></head>
<body><main class="host"><section class="card"><h1 style="font-size:18px">${esc(title)}</h1><p>${esc(body)}</p><p><a href="/">Back to the index</a></p><p>HTTP ${status}</p></section></main></body></html>`;
}
