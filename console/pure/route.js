// The console's address: `#/<screen>/<arg>/<arg>?<query>`. Pure: no DOM, tested with node --test.

export function parseHash(hash) {
  const text = (hash || '').replace(/^#\/?/, '');
  const [path, query = ''] = text.split('?');
  // A mistyped address (a broken %-escape) leads home rather than nowhere.
  const decode = (part) => { try { return decodeURIComponent(part); } catch { return null; } };
  const parts = path.split('/').filter(Boolean).map(decode);
  if (parts.includes(null)) return { screen: 'home', args: [], query: {} };
  const [screen = 'home', ...args] = parts;
  return { screen, args, query: Object.fromEntries(new URLSearchParams(query)) };
}

export function formatHash(screen, args = [], query = {}) {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '' && v !== undefined && v !== null));
  const path = [screen, ...args].map(encodeURIComponent).join('/');
  const qs = q.toString();
  return '#/' + path + (qs ? '?' + qs : '');
}

/// The list route's query string from the screen's state: filters, order, page, the columns it shows.
export function listQuery({ filters = {}, sort = '', size = 20, after = '', fields = [], view = '' }) {
  const q = new URLSearchParams();
  q.set('size', String(size));
  if (after) q.set('after', after);
  if (sort) q.set('sort', sort);
  if (view) q.set('view', view);
  for (const [k, v] of Object.entries(filters)) if (v !== '' && v !== undefined && v !== null) q.set(k, v);
  if (fields.length) q.set('fields', fields.join(','));
  q.set('labels', '1');
  return q.toString();
}
