import type { devices } from '../../../shared/api/devices';
import { AppError } from '../../../shared/api/errors';
import type { HandlersFor } from '../../../shared/api/method';
import { compileProfile, parseLine } from '../../devices/line/frame';
import { toMeasurements } from '../../devices/line/driver';
import type { AppServices } from '../../services/app-services';
import { findByHealthCardCode, saveHealthCardCode } from '../../services/devices/health-card-codes';
import { saveMeterRows } from '../../services/devices/meter-readings';
import { storeCardPhoto } from '../../services/devices/card-photos';
import type { CallContext } from '../context';

export function devicesHandlers(services: AppServices): HandlersFor<typeof devices, CallContext> {
  const manager = () => services.clinic().devices;
  return {
    ports: () => manager().listPorts(),
    bindings: () => manager().bindings(),
    saveBinding: async (input) => {
      const b = await manager().saveBinding(input);
      await services.session.current().audit.record({ action: input.id ? 'update' : 'create', collection: 'settings', recordId: `device:${b.id}`, detail: `${b.protocol} ${b.label}` });
      return b;
    },
    removeBinding: async ({ id }) => {
      await manager().removeBinding(id);
      await services.session.current().audit.record({ action: 'delete', collection: 'settings', recordId: `device:${id}`, detail: 'device binding' });
      return { ok: true as const };
    },
    status: async () => manager().status(),
    testPattern: async ({ pattern, sample }) => {
      const compiled = compileProfile(pattern);
      if (!compiled.ok) throw new AppError('VALIDATION_FAILED', { field: compiled.field }, compiled.message, [{ path: `pattern.fields.${compiled.field}`, message: 'validation.invalid', params: { message: compiled.message } }]);
      const line = sample.replace(/\r?\n$/, '');
      const r = parseLine(compiled.profile, line);
      if (!r.ok) return { ok: false as const, error: r.error, message: r.message };
      return { ok: true as const, measurements: toMeasurements(r.reading), measuredAt: r.reading.at };
    },
    readings: async () => manager().readings(),
    accept: async ({ readingId }) => {
      const u = services.session.current();
      const accepted = manager().accept(readingId, u.user.id);
      return accepted;
    },
    findByCode: async ({ code }) => {
      // The code names no record, so the door cannot check it: the resident it finds is checked here (issue 11).
      const found = await findByHealthCardCode(services.clinic().ctx, code);
      if (found.residentId) await services.clinic().scope.checkResident(found.residentId);
      return found;
    },
    saveCode: ({ residentId, code }) => saveHealthCardCode(services.clinic().ctx, residentId, code),
    saveMeterRows: (input) => saveMeterRows(services.clinic().ctx, manager(), input),
    storeCardPhoto: ({ residentId, photoId }) => storeCardPhoto(services.clinic().ctx, manager(), residentId, photoId),
    discard: async ({ readingId }) => {
      manager().discard(readingId);
      return { ok: true as const };
    },
  };
}
