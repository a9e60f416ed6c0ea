// Issue 11 (events): `worklist.changed` names residents, so it goes only with the ids the signed-in session may see.
// Two sessions on one host, over the real WebSocket transport: the admin's, then a village doctor's. Writes to
// another village made while the doctor is signed in (as a sync pull makes them, straight to the collection) are
// not announced to the doctor, a move out of the doctor's village is, and a page that was not ready yet does not
// get, after the doctor signs in, the ids it had queued during the admin's session.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorklistChanged } from '../../../shared/api/followups';
import type { ResidentDetail } from '../../../shared/api/residents';
import { startHost, type RunningHost } from '../../../main/host/server';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';
import { SETUP_INPUT, TestClient } from '../../helpers/host';

const OWN = SETUP_INPUT.villages[0]!.code;
const OTHER = SETUP_INPUT.villages[1]!.code;
const ADMIN = { username: SETUP_INPUT.admin.username, password: SETUP_INPUT.admin.password };
const DOCTOR = { username: 'wang', password: 'village doc 1' };

async function waitFor(condition: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every resident id in the `worklist.changed` events a client received. */
function announced(events: TestClient['events']): string[] {
  return events.filter((e) => e.event === 'worklist.changed').flatMap((e) => (e.payload as WorklistChanged).residentIds);
}

describe('worklist.changed carries only the residents the receiving session may see', () => {
  let h: ApiHarness;
  let host: RunningHost;
  let rendererDir: string;
  let page: TestClient;
  let own: ResidentDetail;
  let other: ResidentDetail;
  let mover: ResidentDetail;

  /** A write as a sync pull makes it: straight to the collection, whoever is signed in. */
  async function touch(residentId: string, patch: { phone?: string; villageCode?: string }): Promise<void> {
    const doc = await h.runtime.services.session.current().db.rx.residents.findOne(residentId).exec();
    if (!doc) throw new Error(`no resident ${residentId}`);
    await doc.incrementalPatch(patch);
  }

  beforeAll(async () => {
    h = await clinicHarness();
    rendererDir = mkdtempSync(join(tmpdir(), 'cunyi-renderer-'));
    host = await startHost({ dispatch: h.runtime.dispatch.bind(h.runtime), bus: h.runtime.services.bus, rendererDir });
    const make = (name: string, villageCode: string, seq: number) =>
      h.ok<ResidentDetail>('residents.create', { input: residentInput({ name, villageCode, birthDate: '1950-03-01', idNumber: idNumber('1950-03-01', seq), phone: `138000000${seq}` }) });
    own = await make('村民甲', OWN, 11);
    other = await make('村民丙', OTHER, 13);
    mover = await make('村民乙', OWN, 15);
    await h.ok('users.add', { username: DOCTOR.username, displayName: '王村医', role: 'villageDoctor', password: DOCTOR.password, villages: [OWN] });
    page = await TestClient.connect(host);
    await page.ok('app.ready');
  }, 60_000);
  afterAll(async () => {
    await page.close();
    await host.close();
    await h.close();
    rmSync(rendererDir, { recursive: true, force: true });
  });

  it('the admin’s session is told about every village', async () => {
    await page.ok('session.signIn', ADMIN);
    await touch(other.resident.id, { phone: '13900000013' });
    await touch(own.resident.id, { phone: '13900000011' });
    await waitFor(() => announced(page.events).includes(own.resident.id));
    expect(announced(page.events)).toContain(other.resident.id);
  });

  it('the village doctor’s session is told about their village only, and about a resident moving out of it', async () => {
    // A second page opens during the admin's session and is not ready yet: an admin-time event waits for it.
    const late = await TestClient.connect(host);
    await touch(other.resident.id, { phone: '13900000023' });
    await page.ok('session.signIn', DOCTOR);
    const before = page.events.length;
    await touch(other.resident.id, { phone: '13900000033' });
    await touch(mover.resident.id, { villageCode: OTHER });
    await touch(own.resident.id, { phone: '13900000021' });
    await waitFor(() => announced(page.events.slice(before)).includes(own.resident.id));
    const seen = announced(page.events.slice(before));
    expect(seen).toContain(mover.resident.id);
    expect(seen).not.toContain(other.resident.id);

    // The late page says ready in the doctor's session: the admin-time ids it had queued are gone.
    await late.ok('app.ready');
    await touch(own.resident.id, { phone: '13900000031' });
    await waitFor(() => announced(late.events).includes(own.resident.id));
    expect(late.events.map((e) => e.event)).toContain('session.changed');
    expect(announced(late.events)).not.toContain(other.resident.id);
    await late.close();
  });

  it('after the move, the moved resident’s further changes are the other village’s and are not announced', async () => {
    const before = page.events.length;
    await touch(mover.resident.id, { phone: '13900000045' });
    await touch(own.resident.id, { phone: '13900000041' });
    await waitFor(() => announced(page.events.slice(before)).includes(own.resident.id));
    expect(announced(page.events.slice(before))).not.toContain(mover.resident.id);
  });
});
