// What each user chose (显示列 …), kept in the browser per account and kind.

export function prefsKey(account, kind, what) { return `jiuye:${account}:${kind}:${what}`; }

export function loadColumns(storage, account, kind, allowed, defaults) {
  try {
    const saved = JSON.parse(storage.getItem(prefsKey(account, kind, 'columns')) || 'null');
    if (Array.isArray(saved)) {
      const kept = saved.filter((k) => allowed.includes(k));
      if (kept.length) return kept;
    }
  } catch { /* a damaged entry falls back to the defaults */ }
  return defaults.filter((k) => allowed.includes(k));
}

export function saveColumns(storage, account, kind, columns) {
  storage.setItem(prefsKey(account, kind, 'columns'), JSON.stringify(columns));
}
