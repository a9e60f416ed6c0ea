/**
 * The server's side of "provenance is checked" (issue 14 §3): a health check or follow-up keeps a `deviceSources`
 * entry only when it matches a reading accepted in this session (shared/domain/device-sources.ts
 * unverifiedSources). Anything else is refused with DEVICE_SOURCE_UNVERIFIED, naming the fields, and nothing is
 * written: a forged or stale source never reaches the record.
 */
import { AppError } from '../../../shared/api/errors';
import { unverifiedSources, type AcceptedRecord, type ReadingTarget } from '../../../shared/domain/device-sources';
import type { DeviceSources } from '../../../shared/schemas/device-source';

/** The session's accepted readings (DeviceManager.acceptedReading); none where no device manager runs. */
export type AcceptedLookup = (readingId: string) => AcceptedRecord | undefined;

export const noAcceptedReadings: AcceptedLookup = () => undefined;

/** The `deviceSources` a stored encounter's form carries. */
export function sourcesOf(doc: { data: Record<string, unknown> } | undefined | null): DeviceSources | undefined {
  const form = doc?.data['form'] as { deviceSources?: DeviceSources } | undefined;
  return form?.deviceSources;
}

export function checkDeviceSources(
  target: ReadingTarget,
  form: { deviceSources?: DeviceSources | undefined },
  prior: readonly (DeviceSources | undefined)[],
  accepted: AcceptedLookup,
  userId: string,
): void {
  const bad = unverifiedSources(target, form, form.deviceSources, prior, accepted, userId);
  if (bad.length === 0) return;
  throw new AppError(
    'DEVICE_SOURCE_UNVERIFIED',
    { paths: bad },
    `device source not accepted in this session: ${bad.join(', ')}`,
    bad.map((path) => ({ path, message: 'validation.invalid' })),
  );
}
