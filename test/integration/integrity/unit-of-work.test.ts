/**
 * The integrity issue's guarantees, through the API on a real encrypted clinic: one encounter lifecycle (a lost race
 * is a CONFLICT naming the winner; one shown version in every view), one transaction per user action (a failure
 * between any two steps, or kill -9, leaves all or nothing), retried creates, and a proposal judged on the values
 * saved.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { FollowupEvaluation, FollowupView } from '../../../shared/api/followups';
import type { HealthCheckView, ResidentDetail, ResidentSummary, TimelineItem } from '../../../shared/api/residents';
import { integrityCheck } from '../../../main/store/sqlite-file';
import { clinicHarness, idNumber, residentInput, type ApiHarness } from '../../helpers/api';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

interface AuditEntry {
  action: string;
  recordId: string;
  residentId: string | null;
}

function checkData(residentId: string, checkDate: string, temperature: number) {
  return {
    residentId,
    checkDate,
    doctorName: '李医生',
    symptoms: ['1'],
    generalCondition: { temperature, pulseRate: 72, respiratoryRate: 18, bpLeft: { sbp: 128, dbp: 80 }, height: 165, weight: 60, waist: 80 },
    assessment: '1',
  };
}

const HTN_VISIT = {
  visitDate: '2026-03-01',
  visitMode: 1,
  symptoms: [1],
  adherence: 1,
  adverseReaction: 1,
  medications: [{ drugName: '氨氯地平', timesPerDay: 1, doseMg: 5 }],
  doctorSignature: '李医生',
};

describe('one encounter lifecycle and one unit of work (real encrypted clinic, through the API door)', () => {
  let h: ApiHarness;
  let zhang: ResidentDetail;

  const audit = (residentId: string) => h.ok<AuditEntry[]>('audit.list', { residentId });

  beforeAll(async () => {
    h = await clinicHarness();
    zhang = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ birthDate: '1980-05-14', idNumber: idNumber('1980-05-14', 11) }) });
  });
  afterAll(() => h.close());

  it('two completions of one draft at the same moment: one wins, the other is a CONFLICT naming who and when', async () => {
    const draft = await h.ok<HealthCheckView>('healthChecks.saveDraft', { data: checkData(zhang.resident.id, '2026-03-01', 36.6) });
    const [a, b] = await Promise.all([
      h.call<HealthCheckView>('healthChecks.complete', { id: draft.id, data: checkData(zhang.resident.id, '2026-03-01', 36.6) }),
      h.call<HealthCheckView>('healthChecks.complete', { id: draft.id, data: checkData(zhang.resident.id, '2026-03-01', 37.9) }),
    ]);
    expect(a).toMatchObject({ ok: true });
    expect(b).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'completed', by: '李医生', at: h.clock.now() } } });
    const shown = await h.ok<HealthCheckView>('healthChecks.get', { id: draft.id });
    expect(shown.data.generalCondition?.temperature).toBe(36.6);
    const completes = (await audit(zhang.resident.id)).filter((e) => e.action === 'complete' && e.recordId === draft.id);
    expect(completes).toHaveLength(1);
  });

  it('after two amendments, every view shows the same (newest) version', async () => {
    const draft = await h.ok<HealthCheckView>('healthChecks.saveDraft', { data: checkData(zhang.resident.id, '2026-02-10', 36.5) });
    await h.ok('healthChecks.complete', { id: draft.id, data: checkData(zhang.resident.id, '2026-02-10', 36.5) });
    const first = await h.ok<HealthCheckView>('healthChecks.amend', { id: draft.id, data: checkData(zhang.resident.id, '2026-02-11', 36.7), reason: '日期写错', basedOn: draft.id });
    h.clock.advance(60_000);
    const second = await h.ok<HealthCheckView>('healthChecks.amend', {
      id: draft.id,
      data: checkData(zhang.resident.id, '2026-02-12', 36.8),
      reason: '日期又写错',
      basedOn: first.amendedBy[0],
    });
    expect(second.checkDate).toBe('2026-02-12');
    expect((await h.ok<HealthCheckView>('healthChecks.get', { id: draft.id })).checkDate).toBe('2026-02-12');
    const recent = await h.ok<{ checkId: string; checkDate: string }[]>('healthChecks.recent', { since: '2026-01-01' });
    expect(recent.find((r) => r.checkId === draft.id)?.checkDate).toBe('2026-02-12');
    const forResident = await h.ok<HealthCheckView[]>('healthChecks.forResident', { residentId: zhang.resident.id });
    expect(forResident.find((c) => c.id === draft.id)?.checkDate).toBe('2026-02-12');
    const timeline = await h.ok<TimelineItem[]>('residents.timeline', { id: zhang.resident.id });
    expect(timeline.find((t) => t.id === draft.id)?.date).toBe('2026-02-12');
    // A correction made from the first amendment would silently undo the second: it is refused.
    const stale = await h.call('healthChecks.amend', { id: draft.id, data: checkData(zhang.resident.id, '2026-02-11', 36.9), reason: '旧页面上的更正', basedOn: first.amendedBy[0] });
    expect(stale).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { reason: 'amended', by: '李医生' } } });
  });

  it('a retried create with the same client id returns the first result and writes nothing twice', async () => {
    const clientId = uuidv7();
    const input = residentInput({ name: '重试', birthDate: '1970-01-02', idNumber: idNumber('1970-01-02', 21) });
    const first = await h.ok<ResidentDetail>('residents.create', { input, clientId });
    const again = await h.ok<ResidentDetail>('residents.create', { input, clientId });
    expect(again.resident.id).toBe(first.resident.id);
    expect(first.resident.id).toBe(clientId);
    const found = await h.ok<ResidentSummary[]>('residents.search', { query: '重试' });
    expect(found).toHaveLength(1);
    const draftId = uuidv7();
    const d1 = await h.ok<HealthCheckView>('healthChecks.saveDraft', { clientId: draftId, data: checkData(first.resident.id, '2026-03-01', 36.6) });
    const d2 = await h.ok<HealthCheckView>('healthChecks.saveDraft', { clientId: draftId, data: checkData(first.resident.id, '2026-03-01', 36.6) });
    expect(d2.id).toBe(d1.id);
    expect(await h.ok<HealthCheckView[]>('healthChecks.forResident', { residentId: first.resident.id })).toHaveLength(1);
    expect((await audit(first.resident.id)).filter((e) => e.recordId === draftId)).toHaveLength(1);
    // The same id for another resident is not a retry.
    expect(await h.call('healthChecks.saveDraft', { clientId: draftId, data: checkData(zhang.resident.id, '2026-03-01', 36.6) })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', details: { reason: 'idTaken' } },
    });
  });

  it('judges the proposal on the saved values: a reading typed, corrected and saved needs no override reason', async () => {
    await h.ok('registries.enrol', {
      residentId: zhang.resident.id,
      enrolment: { disease: 'htn', diagnosisDate: '2019-04-01', diagnosingOrg: '海丰县人民医院', enrolledDate: '2026-01-10' },
    });
    const typed = await h.ok<FollowupEvaluation>('followups.evaluate', { residentId: zhang.resident.id, followup: { disease: 'htn', form: { ...HTN_VISIT, sbp: 150, dbp: 85 } } });
    expect(typed.proposed.classification).toBe(2);
    // The form still holds the proposal it showed for 150 when the doctor corrects the reading to 128 and saves.
    const stale = { classification: typed.proposed.classification, nextStep: typed.proposed.nextStep, nextVisitDate: typed.proposed.nextVisitDate };
    const saved = await h.ok<FollowupView>('followups.complete', {
      residentId: zhang.resident.id,
      followup: { disease: 'htn', form: { ...HTN_VISIT, sbp: 128, dbp: 80, ...stale, proposed: stale } },
    });
    expect(saved.followup.form).toMatchObject({ classification: 1, override: null });
    expect(saved.computed.proposed.classification).toBe(1);
    // A choice the doctor made against the proposal still needs its reason.
    const chosen = await h.call('followups.complete', {
      residentId: zhang.resident.id,
      followup: { disease: 'htn', form: { ...HTN_VISIT, visitDate: '2026-03-02', sbp: 128, dbp: 80, classification: 2, proposed: { classification: 1, nextStep: 1, nextVisitDate: saved.followup.form.nextVisitDate } } },
    });
    expect(chosen).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (!chosen.ok) expect(chosen.error.fields?.map((f) => f.path)).toContain('override.reason');
  });
});

describe('a merge is one transaction', () => {
  let h: ApiHarness;
  let keep: ResidentDetail;
  let dup: ResidentDetail;

  const snapshot = async () => {
    const rx = h.runtime.services.session.current().db.rx;
    return {
      dupExists: (await rx.residents.findOne(dup.resident.id).exec()) !== null,
      onDup: await rx.encounters.count({ selector: { residentId: dup.resident.id } }).exec(),
      onKeep: await rx.encounters.count({ selector: { residentId: keep.resident.id } }).exec(),
      audit: await rx.audit.count().exec(),
      merged: await rx.audit.count({ selector: { action: 'merge' } }).exec(),
    };
  };

  beforeAll(async () => {
    h = await clinicHarness();
    keep = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '张小宝', birthDate: '1972-01-05', idNumber: idNumber('1972-01-05', 31) }) });
    dup = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '张小宝', birthDate: '1972-01-05', idNumber: undefined, phone: undefined }) });
    for (const [date, t] of [['2026-02-01', 36.5], ['2026-02-15', 36.6], ['2026-03-01', 36.7]] as const) {
      const d = await h.ok<HealthCheckView>('healthChecks.saveDraft', { data: checkData(dup.resident.id, date, t) });
      await h.ok('healthChecks.complete', { id: d.id, data: checkData(dup.resident.id, date, t) });
    }
  });
  afterAll(() => h.close());

  it('a failure injected before any of its writes leaves both records exactly as they were', async () => {
    const before = await snapshot();
    expect(before).toMatchObject({ dupExists: true, onDup: 3, onKeep: 0, merged: 0 });
    const uow = h.runtime.services.clinic().ctx.uow;
    // 3 encounters moved, the kept record updated, the duplicate removed, 2 audit entries: 7 writes.
    for (let step = 1; step <= 7; step++) {
      uow.onWrite = (n) => {
        if (n === step) throw new Error(`injected failure before write ${n}`);
      };
      const r = await h.call('residents.merge', { keepId: keep.resident.id, mergeId: dup.resident.id, reason: '同一人重复建档' });
      expect(r, `failure before write ${step}`).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      expect(await snapshot(), `after a failure before write ${step}`).toEqual(before);
    }
    uow.onWrite = null;
    await h.ok('residents.merge', { keepId: keep.resident.id, mergeId: dup.resident.id, reason: '同一人重复建档' });
    expect(await snapshot()).toMatchObject({ dupExists: false, onDup: 0, onKeep: 3, audit: before.audit + 2, merged: 1 });
    const found = await h.ok<ResidentSummary[]>('residents.search', { query: '张小宝' });
    expect(found.map((s) => s.id)).toEqual([keep.resident.id]);
  });
});

describe('kill -9 in the middle of a merge', () => {
  it('leaves none of it after reopening: the integrity check passes and the audit log has no merge entry', async () => {
    const h = await clinicHarness();
    try {
      const keep = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '李大', birthDate: '1975-03-03', idNumber: idNumber('1975-03-03', 41) }) });
      const dup = await h.ok<ResidentDetail>('residents.create', { input: residentInput({ name: '李大', birthDate: '1975-03-03', idNumber: undefined, phone: undefined }) });
      for (const date of ['2026-02-01', '2026-02-20']) {
        const d = await h.ok<HealthCheckView>('healthChecks.saveDraft', { data: checkData(dup.resident.id, date, 36.5) });
        await h.ok('healthChecks.complete', { id: d.id, data: checkData(dup.resident.id, date, 36.5) });
      }
      const auditBefore = (await h.ok<AuditEntry[]>('audit.list', {})).length;
      await h.runtime.close();

      // node itself with tsx's loader: the `tsx` binary would run the script in a grandchild that outlives the kill.
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/integration/integrity/merge-child.ts'), h.dataDir, keep.resident.id, dup.resident.id, '4'], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      const marker = join(h.dataDir, 'child-stalled');
      const deadline = Date.now() + 60_000;
      while (!existsSync(marker)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the child never reached the merge: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      await h.restart();
      const db = h.runtime.services.session.current().db;
      expect(integrityCheck(db.sql)).toEqual({ ok: true, messages: [] });
      expect(await db.rx.residents.findOne(dup.resident.id).exec()).not.toBeNull();
      expect(await db.rx.encounters.count({ selector: { residentId: dup.resident.id } }).exec()).toBe(2);
      expect(await db.rx.encounters.count({ selector: { residentId: keep.resident.id } }).exec()).toBe(0);
      const entries = await h.ok<AuditEntry[]>('audit.list', {});
      expect(entries.filter((e) => e.action === 'merge')).toEqual([]);
      // Sign-out, the child's sign-in and our sign-in are the only entries added.
      expect(entries.length - auditBefore).toBeLessThanOrEqual(3);
    } finally {
      await h.close();
    }
  }, 120_000);
});
