import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCharacter, creditCodeProblem } from '../pure/creditcode.js';

test('the demo employer and a published code are valid, lower case and spaces too', () => {
  assert.equal(creditCodeProblem('91110108MA01ABCD1E'), '');
  assert.equal(creditCodeProblem('91350100M000100Y43'), '');
  assert.equal(creditCodeProblem(' 91350100m000100y43 '), '');
});

test('a wrong check character names the right one, as the server does', () => {
  assert.equal(creditCodeProblem('91350100M000100Y44'), '统一社会信用代码校验位错误（应为 3）');
  assert.equal(checkCharacter('91350100M000100Y4'), '3');
});

test('length and alphabet: I, O, S, V, Z are not in it', () => {
  assert.equal(creditCodeProblem('9111'), '统一社会信用代码应为 18 位，实为 4 位');
  assert.equal(creditCodeProblem('9111', { typing: true }), '', 'still typing: not wrong yet');
  assert.equal(creditCodeProblem('9111O', { typing: true }), '统一社会信用代码含无效字符 O');
  assert.equal(creditCodeProblem('91350100M000100Y433'), '统一社会信用代码应为 18 位，实为 19 位');
  assert.equal(checkCharacter('9111000010000000I'), null);
});

test('every check character the alphabet allows is reachable: change the last char, only one passes', () => {
  const first17 = '91350100M000100Y4';
  const passing = [...'0123456789ABCDEFGHJKLMNPQRTUWXY'].filter((c) => creditCodeProblem(first17 + c) === '');
  assert.deepEqual(passing, [checkCharacter(first17)]);
});
