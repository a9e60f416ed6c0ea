import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDispatcher } from '../../../../main/api/dispatch';
import { method } from '../../../../shared/api/method';

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };

/** One write whose handler answers outside its contract: the drift the output check exists to catch. */
function drifting(checkOutputs: boolean) {
  const saved: string[] = [];
  const contract = {
    notes: {
      save: method({ input: z.object({ text: z.string().min(1) }), output: z.object({ id: z.string(), savedAt: z.number() }) }),
    },
  };
  const dispatch = createDispatcher({
    contract,
    handlers: {
      notes: {
        save: async ({ text }) => {
          saved.push(text);
          // A handler bug: savedAt as an ISO string. The cast stands for drift the type system did not see.
          return { id: `n${saved.length}`, savedAt: '2026-03-02T02:00:00Z' as unknown as number };
        },
      },
    },
    authorize: () => undefined,
    logger: quiet,
    checkOutputs,
  });
  return { saved, call: (input: unknown) => dispatch('notes.save', input, {}) };
}

describe('dispatch: outputs after a committed write', () => {
  it('in production answers the committed write as it is: no INTERNAL that would make the caller retry it', async () => {
    const d = drifting(false);
    const r = await d.call({ text: '血压复测' });
    expect(r).toEqual({ ok: true, value: { id: 'n1', savedAt: '2026-03-02T02:00:00Z' } });
    expect(d.saved).toEqual(['血压复测']);
  });

  it('under test (checkOutputs) the same drift fails loudly as INTERNAL with a request id', async () => {
    const d = drifting(true);
    const r = await d.call({ text: '血压复测' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('INTERNAL');
    expect(r.error.details?.['requestId']).toEqual(expect.any(String));
  });

  it('still parses every input: a bad one is BAD_REQUEST with fields and never reaches the handler', async () => {
    const d = drifting(false);
    const r = await d.call({ text: '' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('BAD_REQUEST');
      expect(r.error.fields?.[0]?.path).toBe('text');
    }
    expect(d.saved).toEqual([]);
  });
});
