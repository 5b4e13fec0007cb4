import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, formatHash, listQuery } from '../pure/route.js';
import { pastedValues, pageOf } from '../pure/paste.js';
import { at, display, differences, changed, parseInput } from '../pure/values.js';
import { loadColumns, saveColumns } from '../pure/prefs.js';

test('a hash round-trips, Chinese and all', () => {
  const hash = formatHash('list', ['source-info'], { 'level.counselor': 'pending', name: '黄敏', empty: '' });
  assert.equal(hash, '#/list/source-info?level.counselor=pending&name=%E9%BB%84%E6%95%8F');
  assert.deepEqual(parseHash(hash), { screen: 'list', args: ['source-info'], query: { 'level.counselor': 'pending', name: '黄敏' } });
  assert.deepEqual(parseHash(''), { screen: 'home', args: [], query: {} });
  assert.deepEqual(parseHash('#/list/%E0%A4%A'), { screen: 'home', args: [], query: {} }, 'a broken escape leads home');
});

test('the list query carries filters, order, page and the shown columns', () => {
  const q = new URLSearchParams(listQuery({ filters: { cohort: 2026, state: '' }, sort: '-updated', size: 200, after: 'x', fields: ['name', 'gender'] }));
  assert.equal(q.get('size'), '200');
  assert.equal(q.get('cohort'), '2026');
  assert.equal(q.has('state'), false);
  assert.equal(q.get('fields'), 'name,gender');
  assert.equal(q.get('labels'), '1');
});

test('pasted values split as the server splits them', () => {
  assert.deepEqual(pastedValues('202211001\r\n202211002\t黄敏，李雷; 202211001\n\n'), ['202211001', '202211002', '黄敏', '李雷']);
  const many = Array.from({ length: 2001 }, (_, i) => String(300000 + i)).join('\n');
  assert.equal(pastedValues(many).length, 2001);
});

test('a held result pages and clamps', () => {
  const rows = Array.from({ length: 45 }, (_, i) => i);
  assert.deepEqual(pageOf(rows, 2, 20), { rows: [40, 41, 42, 43, 44], page: 2, pages: 3 });
  assert.equal(pageOf(rows, 9, 20).page, 2);
  assert.equal(pageOf([], 0, 20).pages, 1);
});

test('values read, display and compare', () => {
  assert.equal(at({ approved: { employed: 3 } }, 'approved.employed'), 3);
  assert.equal(at({}, 'a.b'), undefined);
  assert.equal(display(0.85234, { format: 'percent' }), '85.23%');
  assert.equal(display('1', { label: '男' }), '男');
  assert.equal(display('<img src=x onerror=alert(1)>'), '<img src=x onerror=alert(1)>');
  assert.deepEqual([...differences({ mobile: '1', email: 'a' }, { mobile: '2', email: 'a', blank: '' })], ['mobile']);
  assert.deepEqual(changed({ a: '1', b: 2 }, { a: '1', b: 3, c: '' }), { b: 3 });
  assert.deepEqual(changed({ a: 'x' }, { a: '' }), { a: null });
  assert.equal(parseInput(' 42 ', 'number'), 42);
  assert.equal(parseInput('', 'number'), '');
});

test('columns are remembered per account and kind, and never name a field that went away', () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  assert.deepEqual(loadColumns(storage, 'u1', 'k', ['a', 'b', 'c'], ['a', 'b']), ['a', 'b']);
  saveColumns(storage, 'u1', 'k', ['c', 'gone']);
  assert.deepEqual(loadColumns(storage, 'u1', 'k', ['a', 'b', 'c'], ['a']), ['c']);
  assert.deepEqual(loadColumns(storage, 'u2', 'k', ['a', 'b', 'c'], ['a']), ['a']);
  store.set('jiuye:u1:k:columns', '{broken');
  assert.deepEqual(loadColumns(storage, 'u1', 'k', ['a'], ['a']), ['a']);
});
