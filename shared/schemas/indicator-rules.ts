/**
 * 指标口径 versions (shared/domain/indicators/rules.ts): one `settings` document of type `indicatorRules` per issuer
 * and start date. The county's policy is written by the platform into every clinic's settings (`issuedBy: 'county'`,
 * pulled by its devices); a clinic admin's own versions (`issuedBy: 'clinic'`) count only where the county set none.
 */
import { z } from 'zod';
import { DYNAMIC_USE_DENOMINATORS, ELDERLY_AGE_RULES, STANDARD_RULES, type RulesVersion } from '../domain/indicators/rules';
import { DateOfCare } from './resident';

export const IndicatorRulesInput = z.object({
  /** In force for reports whose window ends on or after this date. */
  from: DateOfCare,
  standardRule: z.enum(STANDARD_RULES),
  annualCheck: z.boolean(),
  dynamicUseDenominator: z.enum(DYNAMIC_USE_DENOMINATORS),
  elderlyAgeRule: z.enum(ELDERLY_AGE_RULES),
  note: z.string().trim().max(200).optional(),
});
export type IndicatorRulesInput = z.infer<typeof IndicatorRulesInput>;

export const RulesIssuer = z.enum(['clinic', 'county']);

export const IndicatorRulesDoc = IndicatorRulesInput.extend({
  id: z.string().min(1).max(60),
  issuedBy: RulesIssuer,
  enteredBy: z.string().max(200),
  enteredAt: z.number().int().nonnegative(),
});
export type IndicatorRulesDoc = z.infer<typeof IndicatorRulesDoc>;

/** One document per issuer and date: entering the same date again replaces it. */
export function indicatorRulesKey(issuedBy: z.infer<typeof RulesIssuer>, from: string): string {
  return `indicatorRules:${issuedBy}:${from}`;
}

/** The version the shared functions take. */
export function rulesVersion(d: IndicatorRulesDoc): RulesVersion {
  return {
    id: d.id,
    from: d.from,
    issuedBy: d.issuedBy,
    enteredAt: d.enteredAt,
    rules: { standardRule: d.standardRule, annualCheck: d.annualCheck, dynamicUseDenominator: d.dynamicUseDenominator, elderlyAgeRule: d.elderlyAgeRule },
  };
}

/** The versions among a clinic's settings document bodies (`{ type, data }`); a body that does not parse is skipped. */
export function rulesVersionsOf(settings: Iterable<{ type?: unknown; data?: unknown }>): RulesVersion[] {
  const out: RulesVersion[] = [];
  for (const s of settings) {
    if (s.type !== 'indicatorRules') continue;
    const p = IndicatorRulesDoc.safeParse(s.data);
    if (p.success) out.push(rulesVersion(p.data));
  }
  return out;
}
