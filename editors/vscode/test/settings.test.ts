import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { initializationOptions } from '../src/settings';

const CODES = ['overdue', 'unresolved-reference', 'blocked-upstream'];

test('unset settings send the current date and no overrides', () => {
  assert.deepEqual(initializationOptions({}, CODES), { options: { today: null, severity: {} }, problems: [] });
  assert.deepEqual(initializationOptions({ today: '  ', severity: {} }, CODES).options, { today: null, severity: {} });
});

test('a date and severities pass through', () => {
  const { options, problems } = initializationOptions(
    { today: '2027-01-10', severity: { overdue: 'error', 'blocked-upstream': 'off' } },
    CODES,
  );
  assert.deepEqual(options, { today: '2027-01-10', severity: { overdue: 'error', 'blocked-upstream': 'off' } });
  assert.deepEqual(problems, []);
});

test('a malformed date is reported and left out', () => {
  const { options, problems } = initializationOptions({ today: '10/01/2027' }, CODES);
  assert.equal(options.today, null);
  assert.deepEqual(problems, ['planls.today: "10/01/2027" is not a date like 2027-01-04; the current date is used instead.']);
});

test('an unknown code suggests the closest one and a bad level names the choices', () => {
  const { options, problems } = initializationOptions(
    { severity: { overdeu: 'error', overdue: 'loud', 'unresolved-reference': 'warning' } },
    CODES,
  );
  assert.deepEqual(options.severity, { 'unresolved-reference': 'warning' });
  assert.deepEqual(problems, [
    'planls.severity: "overdeu" is not a diagnostic code of planls; ignored. Did you mean "overdue"?',
    'planls.severity.overdue: "loud" is not one of error, warning, info, hint, off; the default is used.',
  ]);
});

test('a severity that is not an object is reported', () => {
  const { options, problems } = initializationOptions({ severity: ['error'] }, CODES);
  assert.deepEqual(options.severity, {});
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^planls\.severity: expected an object/);
});
