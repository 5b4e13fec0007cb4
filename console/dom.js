// Building the page from data, as text only: no HTML parsing anywhere (the CSP's Trusted Types
// would refuse it anyway). h('tag.class#id', {attrs}, ...children): strings become text nodes.

export function h(spec, attrs, ...children) {
  const [tag, ...rest] = spec.split(/(?=[.#])/);
  const el = document.createElement(tag || 'div');
  for (const part of rest) {
    if (part[0] === '.') el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.classList.add(...String(value).split(/\s+/).filter(Boolean));
    else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'disabled' || key === 'indeterminate') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  return append(el, ...children);
}

/// Appends children (nodes, strings, arrays of them; null and false are skipped).
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/// Replaces the children of `el`.
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, ...children);
}

/// A <select> with options [value, label] and the current value chosen.
export function select(attrs, options, current) {
  return h('select', attrs, options.map(([value, label]) =>
    h('option', { value: String(value), selected: String(value) === String(current ?? '') }, label)));
}

/// A modal dialog appended to the body; returns {dialog, close}. Closing removes it.
export function dialog(id, title, body, buttons) {
  const d = h('dialog#' + id, { 'aria-labelledby': id + '-title' },
    h('form.dialog', { method: 'dialog' },
      h('h2#' + id + '-title', title),
      h('div.dialog-body', { tabindex: '0' }, body),
      h('div.dialog-buttons', buttons, h('button', { value: 'cancel', type: 'submit', class: 'secondary' }, '关闭'))));
  d.addEventListener('close', () => d.remove());
  document.body.append(d);
  d.showModal();
  return d;
}
