/**
 * 导入居民: an older system's .xlsx / .csv → residents and households. Every row is validated with the create
 * form's own schema and the clinic's villages; a row whose ID number (18-character form) is already on a live record
 * is a duplicate: it updates that record's name, phone and address where the file differs and never creates a
 * second one, so running the same file again changes nothing. The dry run and the import share one plan; the
 * import writes everything in one unit of work (`run`).
 */
import { v7 as uuidv7 } from 'uuid';
import { AppError, type FieldIssue } from '../../../shared/api/errors';
import { zodIssuesToFields } from '../../../shared/api/fields';
import type { ImportPlan, ImportRowResult } from '../../../shared/api/imports';
import { idNumberForms, storedIdNumber } from '../../../shared/domain/id-number';
import { idKey, mapRow, suggestMapping, type ColumnMapping } from '../../../shared/domain/resident-import';
import type { HouseholdDoc, ResidentDoc } from '../../../shared/schemas/collections';
import { residentInputFor, type ResidentInput } from '../../../shared/schemas/resident';
import { clinicToday, type ClinicContext } from '../clinic-context';
import { readAll } from '../reports/indicator-input';
import { issueRecordNosIn } from '../residents/record-numbers';
import { stripMeta, type Stored } from '../unit-of-work';
import { parseTable } from './parse-table';

const UPDATABLE = ['name', 'phone', 'currentAddress'] as const;

interface Planned {
  plan: ImportPlan;
  creates: { row: number; input: ResidentInput; householdKey: string; relation: string | null }[];
  updates: { row: number; doc: ResidentDoc; changes: Partial<Record<(typeof UPDATABLE)[number], string>> }[];
}

export class ResidentImportService {
  constructor(private readonly ctx: ClinicContext) {}

  async preview(fileName: string, base64: string): Promise<{ headers: string[]; sample: string[][]; rowCount: number; suggested: ColumnMapping }> {
    const rows = await parseTable(fileName, Buffer.from(base64, 'base64'));
    const headers = rows[0] ?? [];
    return { headers, sample: rows.slice(1, 11), rowCount: Math.max(0, rows.length - 1), suggested: suggestMapping(headers) };
  }

  private async planFor(fileName: string, base64: string, mapping: ColumnMapping): Promise<Planned> {
    const rows = (await parseTable(fileName, Buffer.from(base64, 'base64'))).slice(1);
    const settings = await this.ctx.settings.clinic();
    const villages = new Set(settings.villages.map((v) => v.code));
    const byName = new Map(settings.villages.map((v) => [v.name, v.code]));
    const today = clinicToday(this.ctx);
    const schema = residentInputFor(today);
    const existing = new Map<string, ResidentDoc>();
    for (const d of await readAll(this.ctx.db.rx.residents.storageInstance)) if (d.idNumber) existing.set(idKey(d.idNumber), d);
    const seenInFile = new Map<string, number>();
    const results: ImportRowResult[] = [];
    const creates: Planned['creates'] = [];
    const updates: Planned['updates'] = [];
    rows.forEach((cells, i) => {
      const row = i + 2;
      const mapped = mapRow(cells, mapping, byName, today);
      const issues: FieldIssue[] = [...mapped.issues];
      const parsed = schema.safeParse(mapped.input);
      // A village name that is not the clinic's already says why the code is missing: one reason, not two.
      const knownVillageIssue = mapped.issues.some((x) => x.path === 'villageCode');
      if (!parsed.success) issues.push(...zodIssuesToFields(parsed.error.issues).filter((x) => !(knownVillageIssue && x.path === 'villageCode')));
      else if (!villages.has(parsed.data.villageCode)) issues.push({ path: 'villageCode', message: 'validation.unknownVillage' });
      const key = idKey(mapped.input['idNumber'] as string | undefined);
      const name = typeof mapped.input['name'] === 'string' ? mapped.input['name'] : '';
      if (issues.length > 0 || !parsed.success) {
        results.push({ row, action: 'rejected', name, issues: dedupe(issues) });
        return;
      }
      if (key && seenInFile.has(key)) {
        results.push({ row, action: 'rejected', name, issues: [{ path: 'idNumber', message: 'validation.duplicateInFile', params: { row: seenInFile.get(key) ?? 0 } }] });
        return;
      }
      if (key) seenInFile.set(key, row);
      const match = key ? existing.get(key) : undefined;
      if (match) {
        const data = match.data;
        const changes: Planned['updates'][number]['changes'] = {};
        for (const f of UPDATABLE) {
          const v = parsed.data[f];
          const current = f === 'name' ? match.name : f === 'phone' ? match.phone : typeof data['currentAddress'] === 'string' ? data['currentAddress'] : '';
          if (typeof v === 'string' && v !== '' && v !== current) changes[f] = v;
        }
        const changed = Object.keys(changes).length > 0;
        results.push({ row, action: changed ? 'updated' : 'unchanged', name, existingId: match.id, changedFields: Object.keys(changes), issues: [] });
        if (changed) updates.push({ row, doc: match, changes });
        return;
      }
      results.push({ row, action: 'created', name, issues: [] });
      creates.push({ row, input: parsed.data, householdKey: mapped.householdKey, relation: mapped.relation });
    });
    const count = (a: ImportRowResult['action']) => results.filter((r) => r.action === a).length;
    return {
      plan: { rows: rows.length, created: count('created'), updated: count('updated'), unchanged: count('unchanged'), rejected: count('rejected'), results },
      creates,
      updates,
    };
  }

  dryRun(fileName: string, base64: string, mapping: ColumnMapping): Promise<ImportPlan> {
    return this.planFor(fileName, base64, mapping).then((p) => p.plan);
  }

  /**
   * One unit of work (DESIGN.md §6): the record-number cursor, the residents, their households, the updates and
   * every audit entry commit together or not at all. Duplicates are checked again inside it, so a resident created
   * (or imported) since the plan was made is never created twice: the import is refused with CONFLICT instead.
   */
  async run(fileName: string, base64: string, mapping: ColumnMapping): Promise<ImportPlan> {
    const { plan, creates, updates } = await this.planFor(fileName, base64, mapping);
    const now = this.ctx.clock.now();
    const docs: ResidentDoc[] = creates.map((c) => {
      const { householdId: _ignored, ...form } = c.input;
      const stored = c.input.idNumber ? storedIdNumber(c.input.idType, c.input.idNumber) : null;
      return {
        id: uuidv7(),
        clinicCode: this.ctx.clinicCode,
        villageCode: c.input.villageCode,
        recordNo: '',
        name: c.input.name,
        idNumber: stored?.idNumber ?? '',
        phone: c.input.phone ?? '',
        birthDate: c.input.birthDate,
        sex: Number(c.input.sex),
        householdId: '',
        status: 'active',
        data: { ...form, ...(stored ?? {}) },
        createdAt: now,
        updatedAt: now,
      };
    });
    const households = this.households(creates, docs, now);
    const forms = creates.flatMap((c) => (c.input.idNumber ? idNumberForms(c.input.idType, c.input.idNumber) : []));
    this.ctx.uow.run((tx) => {
      const clash = forms.length > 0 ? tx.find('residents', { selector: { idNumber: { $in: forms } } })[0] : undefined;
      if (clash) throw new AppError('CONFLICT', { reason: 'duplicateSincePlan', existingId: clash.id, recordNo: clash.recordNo });
      const recordNos = issueRecordNosIn(tx, this.ctx, creates.map((c) => c.input.villageCode));
      docs.forEach((d, i) => {
        d.recordNo = recordNos[i] ?? '';
        tx.insert('residents', d);
      });
      for (const household of households) tx.insert('households', household);
      for (const u of updates) {
        // The record as the plan read it: a change since then is a CONFLICT, not an overwrite.
        const current = u.doc as Stored<'residents'>;
        const { name, phone } = u.changes;
        tx.update('residents', current, { ...stripMeta(current), ...(name ? { name } : {}), ...(phone ? { phone } : {}), data: { ...u.doc.data, ...u.changes }, updatedAt: now });
      }
      tx.audit({ action: 'import', collection: 'residents', recordId: fileName.slice(0, 60), detail: `import ${fileName}: ${plan.created} created, ${plan.updated} updated, ${plan.unchanged} unchanged, ${plan.rejected} rejected` });
      for (const d of docs) tx.audit({ action: 'insert', collection: 'residents', recordId: d.id, residentId: d.id, detail: `import ${fileName}` });
      for (const u of updates) tx.audit({ action: 'update', collection: 'residents', recordId: u.doc.id, residentId: u.doc.id, detail: `import ${fileName}: ${Object.keys(u.changes).join(',')}` });
    });
    return plan;
  }

  /** Households of newly created residents: rows sharing a 户号 with a 户主 among them. Others stay without one. */
  private households(creates: Planned['creates'], docs: ResidentDoc[], now: number): HouseholdDoc[] {
    const groups = new Map<string, number[]>();
    creates.forEach((c, i) => {
      if (c.householdKey) groups.set(c.householdKey, [...(groups.get(c.householdKey) ?? []), i]);
    });
    const out: HouseholdDoc[] = [];
    for (const members of groups.values()) {
      const headIndex = members.find((i) => creates[i]?.relation === 'head');
      if (headIndex === undefined) continue;
      const head = docs[headIndex]!;
      const id = uuidv7();
      const relations: Record<string, string> = {};
      for (const i of members) {
        const d = docs[i]!;
        if (i !== headIndex && creates[i]?.relation === 'head') continue;
        relations[d.id] = i === headIndex ? 'head' : (creates[i]?.relation ?? 'otherRelative');
        d.householdId = id;
      }
      const address = creates[headIndex]?.input.currentAddress ?? '';
      out.push({ id, clinicCode: this.ctx.clinicCode, villageCode: head.villageCode, headResidentId: head.id, address: address || '—', data: { relations }, createdAt: now, updatedAt: now });
    }
    return out;
  }
}

function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\u0000${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
