/**
 * A device's last contact (issue 13, platform authentication): every request is authenticated, but
 * `devices.last_contact_at` is written at most once per CONTACT_WRITE_INTERVAL_MS per device; in between the time is
 * held in memory and the running platform's status (what `platform status` and the county page read) reports it
 * exactly. Revocation still takes effect on the very next request. On PGlite (the SQL is the same on PostgreSQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTACT_WRITE_INTERVAL_MS } from '../../../platform/store';
import { CLINIC_A, enrolDevice, startTestPlatform, type TestPlatform } from '../../helpers/platform';

const T0 = Date.UTC(2026, 5, 15, 4);

describe('last contact of a device', () => {
  let clock = T0;
  let p: TestPlatform;
  let credential: string;
  let other: string;

  beforeAll(async () => {
    p = await startTestPlatform({ now: () => clock });
    const a = await enrolDevice(p, CLINIC_A, 'device-a');
    const b = await enrolDevice(p, CLINIC_A, 'device-b');
    await a.http.close();
    await b.http.close();
    credential = a.credential;
    other = b.credential;
  }, 60_000);
  afterAll(async () => {
    await p?.dispose();
  });

  const stored = async (id: string): Promise<number | null> => {
    const v = (await p.sql.query<{ t: string | null }>('SELECT last_contact_at AS t FROM devices WHERE id = $1', [id]))[0]!.t;
    return v === null ? null : Number(v);
  };
  const shown = async (id: string): Promise<number | null> =>
    (await p.store.status()).clinics.flatMap((c) => c.devices).find((d) => d.deviceId === id)!.lastContactAt;

  it('is written at most once per interval, and the status shows the latest contact all the same', async () => {
    clock = T0 + 1_000_000;
    await p.store.authenticate(credential);
    expect(await stored('device-a')).toBe(clock);
    const first = clock;
    // A burst of requests within the interval writes nothing.
    for (let i = 1; i <= 50; i += 1) {
      clock = first + i * 100;
      expect((await p.store.authenticate(credential)).id).toBe('device-a');
    }
    expect(await stored('device-a')).toBe(first);
    expect(await shown('device-a')).toBe(first + 5_000);
    // Each device has its own interval.
    await p.store.authenticate(other);
    expect(await stored('device-b')).toBe(clock);
    // Once the interval has passed, the next request writes again.
    clock = first + CONTACT_WRITE_INTERVAL_MS;
    await p.store.authenticate(credential);
    expect(await stored('device-a')).toBe(clock);
    expect(await shown('device-a')).toBe(clock);
    // A clock set back is written at once (the stored time never claims a contact that is in the future).
    clock = first - 60_000;
    await p.store.authenticate(credential);
    expect(await stored('device-a')).toBe(clock);
  });

  it('refuses a revoked device on its next request, within the interval too, and an unknown credential', async () => {
    clock += 1_000;
    await p.store.authenticate(other);
    await p.store.revokeDevice('device-b');
    clock += 1_000;
    await expect(p.store.authenticate(other)).rejects.toMatchObject({ code: 'REVOKED' });
    await expect(p.store.authenticate('not-a-credential')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('is what a restarted platform reads back: behind by less than the interval', async () => {
    clock += CONTACT_WRITE_INTERVAL_MS;
    await p.store.authenticate(credential);
    const written = await stored('device-a');
    expect(written).toBe(clock);
    clock += CONTACT_WRITE_INTERVAL_MS - 1;
    await p.store.authenticate(credential);
    await p.restart();
    const after = await shown('device-a');
    expect(after).toBe(written);
    expect(clock - after!).toBeLessThan(CONTACT_WRITE_INTERVAL_MS);
  });
});
