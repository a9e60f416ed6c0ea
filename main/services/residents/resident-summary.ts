/**
 * The row every list and search result shows: age and tags derived on the clinic's today, contract status and
 * what is due. Derived on read, never stored, so nothing goes stale when a birthday or a year passes.
 */
import type { ResidentSummary } from '../../../shared/api/residents';
import { addDays, ageOn, compareDates, yearOf, type CalendarDate } from '../../../shared/domain/dates';
import { populationTags, type Registry } from '../../../shared/domain/population-tags';
import type { ContractDoc, EncounterDoc, ResidentDoc } from '../../../shared/schemas/collections';
import type { ResidentInput } from '../../../shared/schemas/resident';
import { clinicToday, villageNames, type ClinicContext } from '../clinic-context';

/** Contracts expiring within this many days show as 'expiring' (contracting.md §5: renewal window). */
const RENEWAL_WINDOW_DAYS = 30;

export function contractStatusOf(contracts: readonly ContractDoc[], today: CalendarDate): ResidentSummary['contractStatus'] {
  const live = contracts.filter((c) => c.status === 'active' || c.status === 'renewed');
  const current = live.find((c) => compareDates(c.startDate, today) <= 0 && compareDates(today, c.endDate) <= 0);
  if (current) return compareDates(addDays(today, RENEWAL_WINDOW_DAYS), current.endDate) >= 0 ? 'expiring' : 'active';
  return live.some((c) => compareDates(c.endDate, today) < 0) ? 'expired' : 'none';
}

export function activeRegistries(encounters: readonly EncounterDoc[]): Registry[] {
  const out: Registry[] = [];
  for (const [type, registry] of [['htnEnrolment', 'htn'], ['t2dmEnrolment', 't2dm']] as const) {
    const latest = encounters.filter((e) => e.type === type && e.status === 'completed').sort((a, b) => b.date.localeCompare(a.date))[0];
    const form = (latest?.data['form'] ?? {}) as { status?: string };
    if (latest && (form.status === undefined || form.status === 'active')) out.push(registry);
  }
  return out;
}

export function summarise(
  doc: ResidentDoc,
  related: { encounters: readonly EncounterDoc[]; contracts: readonly ContractDoc[] },
  today: CalendarDate,
  villages: ReadonlyMap<string, string>,
): ResidentSummary {
  const input = doc.data as Partial<ResidentInput>;
  const tags = populationTags(
    {
      birthDate: doc.birthDate,
      sex: String(doc.sex),
      pastDiseaseCodes: (input.pastDiseases ?? []).map((d) => d.code),
      disabilityCodes: input.disabilities ?? [],
      activeRegistries: activeRegistries(related.encounters),
      flags: input.flags ?? {},
    },
    today,
  );
  const due: string[] = [];
  if (doc.status === 'active' && tags.some((t) => t === 'elderly65' || t === 'htn' || t === 't2dm')) {
    const checkedThisYear = related.encounters.some(
      (e) => e.type === 'healthCheck' && e.status === 'completed' && yearOf(e.date) === yearOf(today),
    );
    if (!checkedThisYear) due.push('annualCheck');
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
    contractStatus: contractStatusOf(related.contracts, today),
    due,
  };
}

/** Summaries for many residents, fetching what each needs by its indexed residentId. */
export async function summariseMany(ctx: ClinicContext, docs: readonly ResidentDoc[]): Promise<ResidentSummary[]> {
  const today = clinicToday(ctx);
  const villages = await villageNames(ctx);
  return Promise.all(
    docs.map(async (doc) => {
      const [encounters, contracts] = await Promise.all([
        ctx.db.rx.encounters.find({ selector: { residentId: doc.id } }).exec(),
        ctx.db.rx.contracts.find({ selector: { residentId: doc.id } }).exec(),
      ]);
      return summarise(
        doc,
        { encounters: encounters.map((e) => e.toJSON() as EncounterDoc), contracts: contracts.map((c) => c.toJSON() as ContractDoc) },
        today,
        villages,
      );
    }),
  );
}
