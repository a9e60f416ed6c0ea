/**
 * 分母: figures the records cannot know, entered in 设置 or imported (indicators.md: 辖区常住居民数 from the census
 * or the county, 高血压 / 2型糖尿病患者总人数 estimated as adult population × prevalence). One `settings` document
 * of type `denominator` per village, kind and date, so a report uses the figure valid on its date and shows it.
 */
import { z } from 'zod';
import { DateOfCare, VillageCode } from './resident';

export const DENOMINATOR_KINDS = ['population', 'htnPatients', 't2dmPatients'] as const;
export const DenominatorKind = z.enum(DENOMINATOR_KINDS);
export type DenominatorKind = z.infer<typeof DenominatorKind>;

/** Where the figure comes from. */
export const DenominatorSource = z.enum(['census', 'county', 'estimate', 'import']);

export const DenominatorInput = z.object({
  villageCode: VillageCode,
  kind: DenominatorKind,
  value: z.number().int().min(0).max(10_000_000),
  asOf: DateOfCare,
  source: DenominatorSource,
  note: z.string().trim().max(200).optional(),
});
export type DenominatorInput = z.infer<typeof DenominatorInput>;

export const Denominator = DenominatorInput.extend({
  id: z.string().min(1).max(60),
  enteredBy: z.string().max(40),
  enteredAt: z.number().int().nonnegative(),
});
export type Denominator = z.infer<typeof Denominator>;

/** One document per village, kind and date: entering the same again replaces it. */
export function denominatorKey(d: Pick<DenominatorInput, 'villageCode' | 'kind' | 'asOf'>): string {
  return `denominator:${d.villageCode}:${d.kind}:${d.asOf}`;
}
