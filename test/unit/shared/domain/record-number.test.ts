import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBlock,
  blocksConflict,
  conflictingBlock,
  firstDeviceBlock,
  formatRecordNo,
  initialSerialState,
  isRecordNo,
  isValidBlock,
  lastEight,
  nextSerial,
  parseRecordNo,
  remainingSerials,
  type SerialBlock,
  type SerialState,
} from '../../../../shared/domain/record-number';

const V1 = '440304001101';
const FIRST: SerialBlock = { start: 1, end: 9_999 };
const V2 = '440304001102';

describe('record number format (identifiers.md §2)', () => {
  it.each([
    [V1, 1, '44030400110100001'],
    [V1, 99_999, '44030400110199999'],
    [V2, 123, '44030400110200123'],
  ])('%s + %i → %s', (village, serial, recordNo) => {
    expect(formatRecordNo(village, serial)).toBe(recordNo);
    expect(parseRecordNo(recordNo)).toEqual({ villageCode: village, serial });
    expect(isRecordNo(recordNo)).toBe(true);
  });

  it.each([0, 100_000, 1.5, -1])('refuses serial %d', (serial) => expect(() => formatRecordNo(V1, serial)).toThrow(RangeError));
  it('refuses a township code as village', () => expect(() => formatRecordNo('440304001', 1)).toThrow(RangeError));

  it.each(['44030400110100000', '4403040011010001', '440304001101000011', '4403040011010000A', '99030400110100001'])(
    '%s is not a record number',
    (s) => {
      expect(isRecordNo(s)).toBe(false);
      expect(parseRecordNo(s)).toBeNull();
    },
  );

  it('forms print the last eight digits: village 3 + serial 5', () => expect(lastEight('44030400110100042')).toBe('10100042'));
});

describe('serial blocks', () => {
  it.each([
    [{ start: 1, end: 100 }, { start: 100, end: 200 }, true],
    [{ start: 1, end: 100 }, { start: 101, end: 200 }, false],
    [{ start: 1, end: 100, villageCode: V1 }, { start: 50, end: 60, villageCode: V2 }, false],
    [{ start: 1, end: 100, villageCode: V1 }, { start: 50, end: 60, villageCode: V1 }, true],
    [{ start: 1, end: 100 }, { start: 50, end: 60, villageCode: V2 }, true],
    [{ start: 1, end: 100, villageCode: V2 }, { start: 100, end: 100 }, true],
  ] as [SerialBlock, SerialBlock, boolean][])('%o vs %o conflict: %s', (a, b, conflict) => {
    expect(blocksConflict(a, b)).toBe(conflict);
    expect(blocksConflict(b, a)).toBe(conflict);
  });

  it('finds the conflicting grant', () => {
    const granted: SerialBlock[] = [FIRST, { start: 10_000, end: 10_999, villageCode: V1 }];
    expect(conflictingBlock(granted, { start: 10_500, end: 10_600, villageCode: V1 })).toEqual(granted[1]);
    expect(conflictingBlock(granted, { start: 10_500, end: 10_600, villageCode: V2 })).toBeNull();
    expect(conflictingBlock(granted, { start: 9_999, end: 9_999, villageCode: V2 })).toEqual(FIRST);
  });

  it.each([
    [0, { start: 1, end: 9_999 }],
    [350, { start: 351, end: 10_349 }],
    [95_000, { start: 95_001, end: 99_999 }],
    [99_999, null],
  ])('first device block above existing serial %i → %o', (highest, block) => expect(firstDeviceBlock(highest)).toEqual(block));

  it.each([
    [{ start: 1, end: 99_999 }, true],
    [{ start: 0, end: 10 }, false],
    [{ start: 10, end: 9 }, false],
    [{ start: 1, end: 100_000 }, false],
    [{ start: 1, end: 10, villageCode: '440304001' }, false],
  ] as [SerialBlock, boolean][])('block %o valid: %s', (b, ok) => expect(isValidBlock(b)).toBe(ok));

  it('issues serials in order per village, then moves to the next block, then is exhausted', () => {
    let state = initialSerialState([{ start: 1, end: 2 }, { start: 50, end: 50, villageCode: V1 }]);
    const issued: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = nextSerial(state, V1);
      if (!r.ok) break;
      issued.push(r.recordNo);
      state = r.state;
    }
    expect(issued).toEqual(['44030400110100001', '44030400110100002', '44030400110100050']);
    expect(nextSerial(state, V1)).toEqual({ ok: false, reason: 'exhausted' });
    // The clinic-wide block is still fully available in another village; the village-scoped one is not.
    expect(remainingSerials(state, V2)).toBe(2);
    const v2 = nextSerial(state, V2);
    expect(v2.ok && v2.recordNo).toBe('44030400110200001');
  });

  it('continues with a block added later', () => {
    let state = initialSerialState([{ start: 1, end: 1 }]);
    const first = nextSerial(state, V1);
    if (!first.ok) throw new Error('expected a serial');
    state = first.state;
    expect(nextSerial(state, V1).ok).toBe(false);
    state = addBlock(state, { start: 200, end: 300 });
    const next = nextSerial(state, V1);
    expect(next.ok && next.serial).toBe(200);
    expect(remainingSerials(state, V1)).toBe(101);
  });

  it('does not mutate the state it is given', () => {
    const state = initialSerialState([FIRST]);
    nextSerial(state, V1);
    expect(state.lastIssued).toEqual({});
  });

  it('never repeats a serial on one device, even with overlapping blocks of its own', () => {
    let state = initialSerialState([{ start: 1, end: 5 }, { start: 3, end: 8, villageCode: V1 }]);
    const serials: number[] = [];
    for (let r = nextSerial(state, V1); r.ok; r = nextSerial(state, V1)) {
      serials.push(r.serial);
      state = r.state;
    }
    expect(serials).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(remainingSerials(initialSerialState([{ start: 1, end: 5 }, { start: 3, end: 8 }]), V1)).toBe(8);
  });

  it('resumes from a saved cursor', () => {
    const state = initialSerialState([FIRST], { [V1]: 41 });
    const r = nextSerial(state, V1);
    expect(r.ok && r.recordNo).toBe('44030400110100042');
  });

  it('two devices with non-conflicting grants never issue the same record number, in any interleaving', () => {
    const villages = [V1, V2, '440304001103'];
    const blockArb = fc
      .record({
        start: fc.integer({ min: 1, max: 40 }),
        len: fc.integer({ min: 1, max: 8 }),
        village: fc.option(fc.constantFrom(...villages), { nil: undefined }),
      })
      .map(({ start, len, village }): SerialBlock => ({ start, end: start + len - 1, ...(village ? { villageCode: village } : {}) }));
    // A step either asks the granter for a block or issues a number, on device 0 or 1.
    const stepArb = fc.oneof(
      fc.record({ device: fc.constantFrom(0, 1), grant: blockArb }),
      fc.record({ device: fc.constantFrom(0, 1), village: fc.constantFrom(...villages) }),
    );
    let issuedTotal = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 40, maxLength: 150 }), (steps) => {
        const allGranted: SerialBlock[] = [];
        const states: [SerialState, SerialState] = [initialSerialState([]), initialSerialState([])];
        const seen = new Set<string>();
        for (const step of steps) {
          const device = step.device;
          if ('grant' in step) {
            if (conflictingBlock(allGranted, step.grant) === null) {
              allGranted.push(step.grant);
              states[device] = addBlock(states[device], step.grant);
            }
            continue;
          }
          const r = nextSerial(states[device], step.village);
          if (!r.ok) continue;
          expect(seen.has(r.recordNo)).toBe(false);
          seen.add(r.recordNo);
          issuedTotal++;
          states[device] = r.state;
        }
      }),
      { numRuns: 300 },
    );
    expect(issuedTotal).toBeGreaterThan(1000);
  });

  it('conflicting grants would collide, which is why the granter checks them', () => {
    const a = initialSerialState([{ start: 1, end: 3 }], { [V1]: 2 });
    const b = initialSerialState([{ start: 3, end: 5, villageCode: V1 }]);
    const fromA = nextSerial(a, V1);
    const fromB = nextSerial(b, V1);
    expect(fromA.ok && fromA.recordNo).toBe('44030400110100003');
    expect(fromB.ok && fromB.recordNo).toBe('44030400110100003');
  });
});
