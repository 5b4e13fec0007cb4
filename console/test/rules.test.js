import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applies, requiredNow, materialsNow, shownGroups, missing } from '../pure/rules.js';

// 就业信息 as the console schema describes it (EmploymentInfoPlugin's rules), trimmed.
const f = (key, group, type = 'text', required = false) => ({ key, group, required, type: { type } });
const kind = {
  fields: [
    f('destination', undefined, 'code', true),
    f('employerName', '单位信息'), f('employerCreditCode', '单位信息'), f('industry', '单位信息', 'code'), f('contactName', '单位信息'),
    f('studySchool', '升学信息'), f('studyMajor', '升学信息'),
    f('abroadCountry', '留学信息'), f('abroadSchoolZh', '留学信息'),
    f('proofFile', '证明材料', 'file'),
  ],
  rules: [
    { when: 'destination', in: ['10', '11', '12', '27'], require: ['employerName', 'employerCreditCode', 'industry'], materials: 0 },
    { when: 'destination', in: ['46', '50', '51'], require: ['employerName'], materials: 0 },
    { when: 'destination', in: ['80'], require: ['studySchool', 'studyMajor'], materials: 0 },
    { when: 'destination', in: ['85'], require: ['abroadCountry', 'abroadSchoolZh'], materials: 0 },
    { when: 'destination', in: ['12', '76'], require: [], materials: 1 },
  ],
};

test('a rule applies to its codes and their sub-codes only', () => {
  const r = kind.rules[1];
  assert.equal(applies(r, { destination: '50' }), true);
  assert.equal(applies(r, { destination: '502' }), true, 'a sub-code');
  assert.equal(applies(r, { destination: '5' }), false, 'a prefix of a code is not it');
  assert.equal(applies(r, { destination: '60' }), false);
  assert.equal(applies(r, {}), false, 'no value: no rule');
  assert.equal(applies({ when: null, in: [], require: ['x'] }, {}), true, 'a rule without when always applies');
});

test('the destination decides the required fields: employer for 10, study for 80, abroad for 85, nothing more for 70', () => {
  const req = (destination) => [...requiredNow(kind, { destination })].sort();
  assert.deepEqual(req('10'), ['destination', 'employerCreditCode', 'employerName', 'industry']);
  assert.deepEqual(req('80'), ['destination', 'studyMajor', 'studySchool']);
  assert.deepEqual(req('85'), ['abroadCountry', 'abroadSchoolZh', 'destination']);
  assert.deepEqual(req('70'), ['destination']);
  assert.deepEqual(req('71'), ['destination']);
});

test('materials: 12 and 76 need a file, 10 none', () => {
  assert.equal(materialsNow(kind, { destination: '12' }), 1);
  assert.equal(materialsNow(kind, { destination: '76' }), 1);
  assert.equal(materialsNow(kind, { destination: '10' }), 0);
  assert.equal(materialsNow({ fields: [] }, {}), 0, 'a kind without rules');
});

test('groups a rule may ask for show only when asked for or filled; the others always', () => {
  const shown = (values) => [...shownGroups(kind, values)].sort();
  assert.deepEqual(shown({}), ['', '证明材料']);
  assert.deepEqual(shown({ destination: '10' }), ['', '单位信息', '证明材料']);
  assert.deepEqual(shown({ destination: '80' }), ['', '升学信息', '证明材料']);
  assert.deepEqual(shown({ destination: '70' }), ['', '证明材料']);
  assert.deepEqual(shown({ destination: '80', contactName: '王' }), ['', '升学信息', '单位信息', '证明材料'], 'a filled group stays in sight');
  assert.deepEqual(shown({ destination: '' }), ['', '证明材料']);
});

test('what is missing before a submission, in field order, and the files still needed', () => {
  assert.deepEqual(missing(kind, { destination: '10', employerName: 'A' }),
    { fields: ['employerCreditCode', 'industry'], materials: 0 });
  assert.deepEqual(missing(kind, { destination: '12' }, 0).materials, 1);
  assert.deepEqual(missing(kind, { destination: '12' }, 1).materials, 0);
  assert.deepEqual(missing(kind, {}).fields, ['destination']);
  assert.deepEqual(missing(kind, { destination: '10' }, 0, new Set(['industry'])).fields, ['industry'], 'only what the user can fill');
  assert.deepEqual(missing(kind, { destination: '70', employerName: null }), { fields: [], materials: 0 });
});
