/**
 * The collections' validators are compiled while the sign-in screen waits (main/store/validators.ts): the first
 * sign-in of a process and its first save compile none, and the storage still refuses what its schema does not allow.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getAjv } from 'rxdb/plugins/validate-ajv';
import { prepareValidators } from '../../../main/store/validators';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';

describe('validators compiled before sign-in', () => {
  let h: ApiHarness | undefined;
  const compile = vi.spyOn(getAjv(), 'compile');

  beforeAll(() => {
    prepareValidators();
    // RxDB's internal store and the six collections.
    expect(compile).toHaveBeenCalledTimes(7);
    compile.mockClear();
  });
  afterAll(async () => {
    compile.mockRestore();
    await h?.close();
  });

  it('a set-up, a sign-in and a first save through RxDB and through the unit of work compile nothing more', async () => {
    h = await clinicHarness();
    await h.restart();
    await h.ok('residents.create', { input: residentInput({ name: '陈一', birthDate: '1980-01-01', idNumber: idNumber('1980-01-01', 51) }) });
    prepareValidators();
    expect(compile).not.toHaveBeenCalled();
  });

  it('the storage still refuses a document its schema does not allow', async () => {
    const rx = h!.runtime.services.clinic().ctx.db.rx;
    await expect(rx.settings.insert({ id: 'x' } as never)).rejects.toThrow(/VD2|schema/i);
  });
});
