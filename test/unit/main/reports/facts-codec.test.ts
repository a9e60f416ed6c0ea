/**
 * The stored facts' text form (main/services/reports/facts-codec.ts): any resident's facts decode to exactly what was
 * encoded, alone and in a table read as one string, whether the row is compact or (texts the compact form cannot cut
 * apart) JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFacts, decodeFactsRows, encodeFacts, storedEvent, type StoredFacts } from '../../../../main/services/reports/facts-codec';

const date = fc.integer({ min: 0, max: 60_000 }).map((d) => new Date(Date.UTC(1900, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
/** Mostly plain texts, sometimes an empty one or one with the control characters that cut the compact fields. */
const anyText = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => [...s].every((c) => c.charCodeAt(0) >= 0x20)) },
  { weight: 1, arbitrary: fc.constantFrom('', '\n', 'a\u001fb', '\u001e', 'x\u001d', '\u001c', 'J', '~x', '{"a":1}') },
);
const number = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((n) => !Object.is(n, -0)));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
const type = fc.oneof(fc.constantFrom('htnFollowup', 't2dmFollowup', 'healthCheck', 'htnEnrolment', 'tcmAssessment', 'deviceReading', 'contractService'), anyText);

const facts: fc.Arbitrary<StoredFacts> = fc
  .record({
    id: fc.oneof(fc.uuid(), anyText),
    villageCode: fc.oneof(fc.stringMatching(/^\d{12}$/), anyText),
    birthDate: date,
    createdDate: fc.oneof(date, anyText),
    status: fc.constantFrom<StoredFacts['resident']['status']>('active', 'died', 'movedOut'),
    statusDate: opt(fc.oneof(date, anyText)),
    events: fc.array(
      fc.record({
        type,
        date: fc.oneof({ weight: 9, arbitrary: date }, { weight: 1, arbitrary: anyText }),
        visitMode: opt(fc.constantFrom(1, 2, 3)),
        sbp: opt(number),
        dbp: opt(number),
        glucose: opt(number),
        serviceCode: opt(anyText),
        enrolment: opt(
          fc.record({
            disease: fc.constantFrom<'htn' | 't2dm'>('htn', 't2dm'),
            enrolledDate: date,
            status: fc.constantFrom<'active' | 'died' | 'movedOut' | 'lostToFollowUp' | 'excluded'>('active', 'died', 'movedOut', 'lostToFollowUp', 'excluded'),
            statusDate: opt(date),
          }),
        ),
        complete: opt(fc.boolean()),
      }),
      { maxLength: 12 },
    ),
    contracts: fc.array(
      fc.record({
        id: fc.uuid(),
        teamId: anyText,
        startDate: date,
        endDate: date,
        signDate: opt(date),
        terminatedDate: opt(date),
        packageIds: fc.array(anyText, { maxLength: 3 }),
        populationTags: fc.array(fc.constantFrom('elderly', 'htn', 't2dm', 'child'), { maxLength: 3 }),
      }),
      { maxLength: 3 },
    ),
  })
  .map((r) => ({
    resident: { id: r.id, villageCode: r.villageCode, birthDate: r.birthDate, createdDate: r.createdDate, status: r.status, statusDate: r.statusDate },
    encounters: r.events.map((e, i) => storedEvent(r.id, i, e.type, e.date, e.visitMode, e.sbp, e.dbp, e.glucose, e.serviceCode, e.enrolment, e.complete)),
    contracts: r.contracts.map((c) => ({ ...c, residentId: r.id })),
  }));

describe('stored facts codec', () => {
  it('decodes every row to exactly what was encoded, alone and as a table read in one string', () => {
    fc.assert(
      fc.property(fc.array(facts, { minLength: 1, maxLength: 8 }), (rows) => {
        const texts = rows.map(encodeFacts);
        for (const [i, t] of texts.entries()) expect(decodeFacts(t)).toEqual(rows[i]);
        expect(decodeFactsRows(texts.join('\n'))).toEqual(rows);
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('stores plain facts compactly, and texts the fields cannot hold as JSON', () => {
    const plain: StoredFacts = {
      resident: { id: 'r1', villageCode: '441521101001', birthDate: '1950-02-28', createdDate: '2020-01-01', status: 'active', statusDate: null },
      encounters: [
        storedEvent('r1', 0, 'htnEnrolment', '2020-01-02', null, null, null, null, null, { disease: 'htn', enrolledDate: '2020-01-02', status: 'active', statusDate: null }, null),
        storedEvent('r1', 1, 'htnFollowup', '2026-03-01', 1, 138, 85, 6.1, null, null, null),
        storedEvent('r1', 2, 'healthCheck', '2026-04-01', null, null, null, null, null, null, false),
        storedEvent('r1', 3, 'newKindOfVisit', '2026-04-02', null, null, null, null, 'S01', null, true),
      ],
      contracts: [{ id: 'c1', residentId: 'r1', teamId: 't1', startDate: '2026-01-01', endDate: '2026-12-31', signDate: '2026-01-01', terminatedDate: null, packageIds: [], populationTags: ['elderly'] }],
    };
    const text = encodeFacts(plain);
    expect(text.startsWith('C')).toBe(true);
    expect(text).not.toContain('{');
    expect(decodeFacts(text)).toEqual(plain);
    const odd = { ...plain, resident: { ...plain.resident, villageCode: 'a\nb' } };
    expect(encodeFacts(odd).startsWith('J')).toBe(true);
    expect(decodeFactsRows(`${encodeFacts(odd)}\n${text}`)).toEqual([odd, plain]);
  });

  it('decodes an empty table to no rows', () => {
    expect(decodeFactsRows('')).toEqual([]);
  });
});
