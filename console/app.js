// The console's shell: who is signed in, what they may see (GET /api/v1/console/schema), the
// navigation, and one screen at a time by the address after '#'. It knows no module by name:
// every kind and page comes from the schema.
import { h, fill } from './dom.js';
import { get, post, setCsrf, whenUnauthenticated } from './api.js';
import { parseHash, formatHash } from './pure/route.js';
import { signIn } from './screens/login.js';
import { home } from './screens/home.js';
import { list } from './screens/list.js';
import { detail } from './screens/detail.js';
import { exporter } from './screens/export.js';
import { stats } from './screens/stats.js';
import { page } from './screens/page.js';
import { register } from './screens/register.js';
import { registrations } from './screens/registrations.js';
import { creator } from './screens/actions.js';
import { mine } from './screens/mine.js';
import { form } from './screens/form.js';

const screens = { home, list, record: detail, export: exporter, stats, page, registrations, new: creator, form };
const root = document.getElementById('app');
let ctx = null;

whenUnauthenticated(() => { ctx = null; forgetSession(); showSignIn(); });
window.addEventListener('hashchange', () => (ctx ? route() : publicScreen() !== root.dataset.public && showSignIn()));
boot();

async function boot() {
  // Only a browser that started a console session asks who is signed in (the cookie says no more).
  if (!document.cookie.split('; ').includes('jiuye_console=1')) return showSignIn();
  try {
    const me = await get('auth/me');
    await start(me);
  } catch {
    showSignIn();
  }
}

function showSignIn() {
  // Before signing in only two screens exist: 登录, and 用人单位注册 linked from it.
  root.dataset.public = publicScreen();
  if (root.dataset.public === 'register') return register(root);
  document.title = '登录 · 就业管理';
  signIn(root, async (me) => { delete root.dataset.public; await start(me); });
  root.querySelector('.signin-card')?.append(h('p.register-link', h('a', { href: '#/register' }, '用人单位注册')));
}

function publicScreen() { return location.hash.startsWith('#/register') ? 'register' : 'login'; }

async function start(me) {
  setCsrf(me.csrfToken);
  const staff = me.roles.some((r) => ['counselor', 'college', 'school'].includes(r));
  const [schema, tables, org] = await Promise.all([
    get('console/schema'), get('code-tables'), staff ? get('org') : Promise.resolve({ units: [], cohorts: [] }),
  ]);
  const codeNames = {};
  for (const t of tables.codeTables) codeNames[t.id] = new Map(t.entries.map((e) => [e.code, e.name]));
  ctx = {
    me, schema, tables: tables.codeTables, codeNames, org,
    // A student's 首页 and nav lead to their own records (screens/mine.js, screens/form.js).
    student: !staff && me.roles.includes('student'),
    kind: (id) => schema.kinds.find((k) => k.id === id),
    go: (screen, args, query) => { location.hash = formatHash(screen, args, query); },
    status, error,
  };
  drawShell();
  if (!location.hash || location.hash === '#/login') location.hash = '#/home';
  else route();
}

function drawShell() {
  const { me, schema } = ctx;
  const roleLabels = schema.roles.map((r) => r.label).join('、');
  document.title = `${schema.institution.name} · 就业管理`;
  fill(root,
    // The address after '#' is the screen: the skip link moves the focus, not the address.
    h('a.skip', { href: '#', onclick: (e) => { e.preventDefault(); root.querySelector(':scope > main')?.focus(); } }, '跳到主要内容'),
    h('header#top',
      h('div.brand', h('span.mark', { 'aria-hidden': 'true' }, '就'), h('span', schema.institution.name, ' · 就业管理')),
      h('div.who', h('span#whoami', me.displayName, ' · ', roleLabels),
        h('button#logout.secondary', { type: 'button', onclick: logout }, '退出')),
      // At phone width the nav folds behind this button (console.css hides it on a PC).
      h('button#nav-toggle.secondary', { type: 'button', 'aria-controls': 'nav', 'aria-expanded': 'false', onclick: toggleNav }, '菜单')),
    h('nav#nav', { 'aria-label': '功能' },
      h('a#nav-home', { href: '#/home' }, '首页'),
      schema.kinds.map((k) => h('a', { href: formatHash(ctx.student && k.cardinality === 'one-per-student' ? 'form' : 'list', [k.id]), 'data-kind': k.id }, k.label)),
      schema.pages.map((p) => h('a', { href: formatHash('page', [p.plugin, p.id]), 'data-page': `${p.plugin}/${p.id}` }, p.label)),
      (schema.queues || []).map((q) => h('a', { href: formatHash('registrations', [q.id]), 'data-queue': q.id }, q.label))),
    h('div#messages',
      h('p#status', { role: 'status', 'aria-live': 'polite' }),
      h('p#error', { role: 'alert' })),
    h('main#main', { tabindex: '-1' }));
}

async function route() {
  if (!ctx) return;
  const { screen, args, query } = parseHash(location.hash);
  // A student fills the record they have one of (生源, 去向) in their form; records of which they
  // have many (an agreement, an application) open on the record page with its actions and panels.
  const own = ctx.student && screen === 'record' && ctx.kind(args[0])?.cardinality === 'one-per-student';
  const draw = ctx.student && screen === 'home' ? mine : own ? form
    : Object.hasOwn(screens, screen) ? screens[screen] : home;
  toggleNav(null, false);
  // Screens rename their <main> (#list, #detail …) for the tests and styles; find it by place.
  const old = root.querySelector(':scope > main');
  const main = h('main#main', { tabindex: '-1' });
  old.replaceWith(main);
  status('');
  error('');
  for (const a of document.querySelectorAll('#nav a')) {
    const current = (a.dataset.kind && args[0] === a.dataset.kind && screen !== 'page')
      || (a.dataset.page && screen === 'page' && a.dataset.page === args.join('/'))
      || (a.id === 'nav-home' && screen === 'home')
      || (a.dataset.queue && screen === 'registrations' && args[0] === a.dataset.queue);
    if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  try {
    await draw(main, ctx, args, query);
  } catch (e) {
    error(e.message);
  }
  main.dataset.ready = '1';
}

function toggleNav(event, open) {
  const nav = document.getElementById('nav');
  const button = document.getElementById('nav-toggle');
  if (!nav || !button) return;
  const next = open ?? button.getAttribute('aria-expanded') !== 'true';
  button.setAttribute('aria-expanded', String(next));
  nav.classList.toggle('open', next);
}

async function logout() {
  try { await post('auth/logout'); } catch { /* the session is gone either way */ }
  ctx = null;
  setCsrf('');
  forgetSession();
  location.hash = '#/login';
  showSignIn();
}

/// The page's own note that a session was started; the session cookie itself the server ends.
function forgetSession() { document.cookie = 'jiuye_console=; Max-Age=0; Path=/; SameSite=Strict'; }

export function status(text) { const el = document.getElementById('status'); if (el) el.textContent = text; }
export function error(text) { const el = document.getElementById('error'); if (el) el.textContent = text; }
