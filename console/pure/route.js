// The console's address: `#/<screen>/<arg>/<arg>?<query>`. Pure: no DOM, tested with node --test.

export function parseHash(hash) {
  const text = (hash || '').replace(/^#\/?/, '');
  const [path, query = ''] = text.split('?');
  const [screen = 'home', ...args] = path.split('/').filter(Boolean).map(decodeURIComponent);
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
