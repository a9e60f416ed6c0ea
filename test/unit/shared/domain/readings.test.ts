import { describe, expect, it } from 'vitest';
import { readingIssues, valueIssues } from '../../../../shared/domain/readings';

const TODAY = '2026-06-15';
const codes = (r: Parameters<typeof readingIssues>[0]) => readingIssues(r, TODAY).map((i) => `${i.path}:${i.message}`);

describe('one reading, refused at the field when impossible (issue 12 §6)', () => {
  it.each([
    [{ sbp: 300, dbp: 200 }, []],
    [{ sbp: 301, dbp: 90 }, ['sbp:validation.outOfRange']],
    [{ sbp: 400, dbp: 90 }, ['sbp:validation.outOfRange']],
    [{ sbp: 39, dbp: 20 }, ['sbp:validation.outOfRange']],
    [{ sbp: 120, dbp: 19 }, ['dbp:validation.outOfRange']],
    [{ sbp: 90, dbp: 90 }, ['dbp:validation.sbpNotAboveDbp']],
    [{ sbp: 91, dbp: 90 }, []],
    [{ sbp: 80, dbp: 90 }, ['dbp:validation.sbpNotAboveDbp']],
    [{ sbp: 120 }, ['dbp:validation.required']],
    [{ dbp: 80 }, ['sbp:validation.required']],
    [{ fastingGlucose: 40 }, []],
    [{ fastingGlucose: 40.1 }, ['fastingGlucose:validation.outOfRange']],
    [{ fastingGlucose: 60 }, ['fastingGlucose:validation.outOfRange']],
    [{ fastingGlucose: 0.9 }, ['fastingGlucose:validation.outOfRange']],
    [{}, ['sbp:validation.measurementEmpty']],
  ])('%j -> %j', (values, expected) => expect(codes({ date: TODAY, ...values })).toEqual(expected));

  it.each([
    ['2026-06-15', []],
    ['2026-06-16', ['date:validation.futureDate']],
  ])('dated %s -> %j', (date, expected) => expect(codes({ date, sbp: 120, dbp: 80 })).toEqual(expected));

  it('the refusal carries the plausible range', () =>
    expect(readingIssues({ date: TODAY, fastingGlucose: 60 }, TODAY)[0]?.params).toEqual({ min: 1, max: 40, unit: 'mmol/L' }));
});

describe('values inside a larger form (follow-ups)', () => {
  it.each([
    [{ sbp: 150, dbp: 95, fastingGlucose: 7.2 }, []],
    [{ sbp: 150, dbp: 150 }, ['dbp:validation.sbpNotAboveDbp']],
    [{ fastingGlucose: 60 }, ['fastingGlucose:validation.outOfRange']],
    [{}, []],
  ])('%j -> %j', (values, expected) => expect(valueIssues(values).map((i) => `${i.path}:${i.message}`)).toEqual(expected));
});
