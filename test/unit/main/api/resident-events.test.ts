// Issue 11 (events): an event whose payload can name residents is published only with those the signed-in user may
// see, and is dropped from a waiting page's queue when the session changes. Generated from the contract's events, so
// a new event carrying resident ids fails here until it is listed in RESIDENT_EVENTS (and filtered where published).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { events, type EventName } from '../../../../shared/api';
import { RESIDENT_EVENTS } from '../../../../main/api/dispatch';

/** Every property name anywhere in a JSON schema. */
function propertyNames(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) propertyNames(s, out);
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && value !== null && typeof value === 'object') for (const name of Object.keys(value)) out.add(name);
      propertyNames(value, out);
    }
  }
  return out;
}

const namesResidents = (event: EventName) =>
  [...propertyNames(z.toJSONSchema(events[event], { unrepresentable: 'any' }))].some((name) => /^resident(Id|Ids|s)?$/i.test(name));

describe('events that name residents', () => {
  it('are exactly the ones listed in RESIDENT_EVENTS', () => {
    const carrying = (Object.keys(events) as EventName[]).filter(namesResidents).sort();
    expect(carrying).toEqual([...RESIDENT_EVENTS].sort());
  });

  it('worklist.changed is one of them (the detector sees residentIds)', () => {
    expect(namesResidents('worklist.changed')).toBe(true);
    expect(namesResidents('status.changed')).toBe(false);
  });
});
