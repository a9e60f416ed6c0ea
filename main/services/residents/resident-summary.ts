/**
 * The row every list and search result shows: age and tags derived on the clinic's today, contract status and
 * what is due. Derived on read, never stored, so nothing goes stale when a birthday or a year passes. When the
 * work list's patient memory is loaded the facts come from it (the same rules the work list applies, no query per
 * row); until then each row reads its resident's encounters and contracts by the indexed residentId.
 */
import type { WorkKind } from '../../../shared/api/followups';
import type { ResidentSummary } from '../../../shared/api/residents';
import { addDays, ageOn, compareDates, yearOf, type CalendarDate } from '../../../shared/domain/dates';
import { populationTags, type Registry } from '../../../shared/domain/population-tags';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import type { ResidentInput } from '../../../shared/schemas/resident';
import { clinicToday, villageNames, type ClinicContext } from '../clinic-context';
import type { PatientIndex } from '../followups/patient-index';
import { patientSummary, patientWork } from '../followups/patient-work';

/** Contracts expiring within this many days show as 'expiring' (contracting.md §5: renewal window). */
const RENEWAL_WINDOW_DAYS = 30;
/** What `due` lists: the work-list kinds a resident has due or overdue today. */
const UPCOMING_DAYS = 7;

type ContractDates = Pick<ContractDoc, 'startDate' | 'endDate' | 'status'>;

export function contractStatusOf(contracts: readonly ContractDates[], today: CalendarDate): ResidentSummary['contractStatus'] {
  const live = contracts.filter((c) => c.status === 'active' || c.status === 'renewed');
  const current = live.find((c) => compareDates(c.startDate, today) <= 0 && compareDates(today, c.endDate) <= 0);
  if (current) return compareDates(addDays(today, RENEWAL_WINDOW_DAYS), current.endDate) >= 0 ? 'expiring' : 'active';
  return live.some((c) => compareDates(c.endDate, today) < 0) ? 'expired' : 'none';
}

/** Registries in force: the newest completed version (by date, then save time) of each enrolment decides. */
export function activeRegistries(encounters: readonly EncounterDoc[]): Registry[] {
  const out: Registry[] = [];
  for (const [type, registry] of [['htnEnrolment', 'htn'], ['t2dmEnrolment', 't2dm']] as const) {
    const latest = encounters
      .filter((e) => e.type === type && e.status === 'completed')
      .sort((a, b) => b.date.localeCompare(a.date) || b.createdAt - a.createdAt)[0];
    const form = (latest?.data['form'] ?? {}) as { status?: string };
    if (latest && (form.status === undefined || form.status === 'active')) out.push(registry);
  }
  return out;
}

interface Facts {
  registries: Registry[];
  checkedThisYear: boolean;
  contracts: readonly ContractDates[];
  /** Work-list kinds due or overdue, when the patient memory is loaded. */
  dueKinds: WorkKind[];
}

function summarise(doc: ResidentDoc, facts: Facts, today: CalendarDate, villages: ReadonlyMap<string, string>): ResidentSummary {
  const input = doc.data as Partial<ResidentInput>;
  const tags = populationTags(
    {
      birthDate: doc.birthDate,
      sex: String(doc.sex),
      pastDiseaseCodes: (input.pastDiseases ?? []).map((d) => d.code),
      disabilityCodes: input.disabilities ?? [],
      activeRegistries: facts.registries,
      flags: input.flags ?? {},
    },
    today,
  );
  const due = new Set<WorkKind>(facts.dueKinds);
  if (doc.status === 'active' && tags.some((t) => t === 'elderly65' || t === 'htn' || t === 't2dm') && !facts.checkedThisYear) {
    due.add('healthCheck');
  }
  return {
    id: doc.id,
    recordNo: doc.recordNo,
    name: doc.name,
    sex: String(doc.sex),
    birthDate: doc.birthDate,
    age: compareDates(doc.birthDate, today) <= 0 ? ageOn(doc.birthDate, today) : 0,
    villageCode: doc.villageCode,
    villageName: villages.get(doc.villageCode) ?? '',
    idNumber: doc.idNumber,
    phone: doc.phone,
    status: doc.status,
    householdId: doc.householdId,
    tags,
    contractStatus: contractStatusOf(facts.contracts, today),
    due: [...due].sort(),
  };
}

function factsFromMemory(patients: PatientIndex, id: string, today: CalendarDate): Facts | null {
  const entry = patients.get(id);
  if (!entry?.resident) return null;
  const summary = patientSummary(entry);
  const work = patientWork(entry, today, UPCOMING_DAYS);
  return {
    registries: summary.registries.filter((r) => r.status === 'active').map((r) => r.disease),
    checkedThisYear: summary.lastHealthCheckDate ? yearOf(summary.lastHealthCheckDate) === yearOf(today) : false,
    contracts: [...entry.contracts.values()],
    dueKinds: [...new Set(work.rows.filter((r) => r.status !== 'upcoming').map((r) => r.kind))],
  };
}

async function factsFromQueries(ctx: ClinicContext, id: string, today: CalendarDate): Promise<Facts> {
  const [encounters, contracts] = await Promise.all([
    ctx.db.rx.encounters.find({ selector: { residentId: id } }).exec(),
    ctx.db.rx.contracts.find({ selector: { residentId: id } }).exec(),
  ]);
  const docs = encounters.map((e) => e.toJSON() as EncounterDoc);
  return {
    registries: activeRegistries(docs),
    checkedThisYear: docs.some((e) => e.type === 'healthCheck' && e.status === 'completed' && yearOf(e.date) === yearOf(today)),
    contracts: contracts.map((c) => c.toJSON() as ContractDoc),
    dueKinds: [],
  };
}

/** Summaries for many residents, in the order given. */
export async function summariseMany(ctx: ClinicContext, docs: readonly ResidentDoc[], patients?: PatientIndex): Promise<ResidentSummary[]> {
  const today = clinicToday(ctx);
  const villages = await villageNames(ctx);
  const memory = patients?.isLoaded ? patients : undefined;
  return Promise.all(
    docs.map(async (doc) => {
      const facts = (memory && factsFromMemory(memory, doc.id, today)) ?? (await factsFromQueries(ctx, doc.id, today));
      return summarise(doc, facts, today, villages);
    }),
  );
}
