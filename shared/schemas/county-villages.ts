/**
 * 县域村庄目录: every village the county platform knows (each registered clinic's `--villages`), so a device can offer
 * a 迁出申请's destination by name instead of a typed code (issue 13 item 6). The platform writes it into every
 * clinic's settings as one document (`countyVillages`, type `countyVillages`) whenever an operator adds a clinic or
 * changes its villages; devices pull it like the county's 指标口径 and may not change it (a push of it is refused and
 * the platform's copy sent back). Until it arrives a device falls back to the typed code, which the platform checks.
 */
import { z } from 'zod';
import { DateOfCare } from './resident';

export const COUNTY_VILLAGES_ID = 'countyVillages';

export const CountyVillage = z.object({
  /** 12-digit village code (GB/T 2260 + township + village segments). */
  code: z.string().regex(/^\d{12}$/),
  name: z.string().min(1).max(60),
  /** The clinic that serves it, and its name (a township centre's name is the township's). */
  clinicCode: z.string().regex(/^(\d{9}|\d{12})$/),
  clinicName: z.string().min(1).max(100),
  /** The day (Asia/Shanghai) the platform first listed the village for this clinic. */
  validFrom: DateOfCare,
});
export type CountyVillage = z.infer<typeof CountyVillage>;

export const CountyVillages = z.object({
  /** Sorted by clinic code, then village code. */
  villages: z.array(CountyVillage).max(20_000),
  /** When the platform last changed the list (epoch ms). */
  issuedAt: z.number().int().nonnegative(),
});
export type CountyVillages = z.infer<typeof CountyVillages>;

/**
 * The county list after a clinic's villages are set to `villages` (registration or a change): that clinic's entries
 * are replaced, a village it already had keeps its `validFrom`, a new one starts `today`; the other clinics' entries
 * stay. A village another clinic also lists stays listed under both (the platform then asks the operator to name
 * the clinic when moving there).
 */
export function withClinicVillages(
  list: readonly CountyVillage[],
  clinic: { code: string; name: string; villages: ReadonlyArray<{ code: string; name: string }> },
  today: string,
): CountyVillage[] {
  const before = new Map(list.filter((v) => v.clinicCode === clinic.code).map((v) => [v.code, v]));
  const others = list.filter((v) => v.clinicCode !== clinic.code);
  const mine = clinic.villages.map((v) => ({ code: v.code, name: v.name, clinicCode: clinic.code, clinicName: clinic.name, validFrom: before.get(v.code)?.validFrom ?? today }));
  return [...others, ...mine].sort((a, b) => (a.clinicCode !== b.clinicCode ? (a.clinicCode < b.clinicCode ? -1 : 1) : a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
