/**
 * 家庭医生签约 (contracting.md): teams, service packages, the agreement and its termination. The agreement is the
 * `data` body of a `contracts` document; teams and packages are typed `settings` documents. Schema version 0.
 *
 * One contract document per resident: a household that signs together gets one document per member, linked by
 * `householdContractGroup`, so overlap, status and fulfilment stay per person (indicators count persons).
 * Money is in yuan with at most 2 decimals and compared in fen, so 0.1 + 0.2 never fails a fee check.
 */
import { z } from 'zod';
import { ClinicCode } from '../api/session';
import { contractPeriod, TERMINATION_REASONS } from '../domain/contract-rules';
import { compareDates, isValidDate } from '../domain/dates';
import { POPULATION_TAGS } from '../domain/population-tags';
import { SERVICE_CODES, TEAM_ROLES } from '../domain/service-packages';
import { DateOfCare, ResidentId, VillageCode } from './resident';

const text = (max = 100) => z.string().trim().max(max);
const id = () => z.string().min(1).max(40);
const fen = (yuan: number) => Math.round(yuan * 100);
const hasFenPrecision = (v: number) => Math.abs(v * 100 - fen(v)) < 1e-6;
/** Yuan, ≥ 0, at most 2 decimals. */
const Yuan = z.number().finite().min(0).max(1_000_000).refine(hasFenPrecision, 'validation.contract.moneyDecimals');

export const TeamRole = z.enum(TEAM_ROLES);
export type TeamRole = z.infer<typeof TeamRole>;
export const PopulationTag = z.enum(POPULATION_TAGS);
export const ServiceCode = z.enum(SERVICE_CODES);

export const TeamMember = z.object({
  staffId: id(),
  name: text(40).min(1, 'validation.required'),
  role: TeamRole,
  phone: text(20).optional(),
});
export type TeamMember = z.infer<typeof TeamMember>;

/** 家庭医生团队 (contracting.md §1). */
export const DoctorTeam = z
  .object({
    teamId: id(),
    teamName: text(60).min(1, 'validation.required'),
    orgCode: ClinicCode,
    leaderId: id(),
    members: z.array(TeamMember).min(1).max(50),
    /** Villages covered (12-digit codes). */
    villages: z.array(VillageCode).max(200),
  })
  .superRefine((t, ctx) => {
    if (!t.members.some((m) => m.staffId === t.leaderId)) {
      ctx.addIssue({ code: 'custom', path: ['leaderId'], message: 'validation.contract.leaderNotMember' });
    }
    // contracting.md §1: the family doctor is the responsible person; a village doctor may be one.
    if (!t.members.some((m) => m.role === 'familyDoctor' || m.role === 'villageDoctor')) {
      ctx.addIssue({ code: 'custom', path: ['members'], message: 'validation.contract.noFamilyDoctor' });
    }
    const ids = t.members.map((m) => m.staffId);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: 'custom', path: ['members'], message: 'validation.contract.duplicateMember' });
    }
  });
export type DoctorTeam = z.infer<typeof DoctorTeam>;

const LocalizedName = z.object({ zh: text(60).min(1), en: text(80).min(1) });

export const PackageItem = z.object({
  serviceCode: ServiceCode,
  name: LocalizedName,
  timesPerYear: z.number().int().min(0).max(365),
  who: TeamRole,
  forTags: z.array(PopulationTag).max(POPULATION_TAGS.length).optional(),
});
export type PackageItem = z.infer<typeof PackageItem>;

/** 服务包 (contracting.md §3). */
export const ServicePackage = z.object({
  packageId: id(),
  name: LocalizedName,
  targetTags: z.array(PopulationTag).max(POPULATION_TAGS.length),
  priceYuan: Yuan,
  isBasic: z.boolean(),
  items: z.array(PackageItem).min(1).max(50),
});
export type ServicePackage = z.infer<typeof ServicePackage>;

/** A signature PNG as drawn on the pad, capped so a contract document stays small enough to sync. */
export const SIGNATURE_MAX_BYTES = 64 * 1024;
const SIGNATURE_PREFIX = 'data:image/png;base64,';
// The base64 of the 8-byte PNG signature \x89PNG\r\n\x1a\n.
const PNG_MAGIC_B64 = 'iVBORw0KGgo';

function decodedLength(b64: string): number {
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return (b64.length / 4) * 3 - padding;
}

export const Signature = z
  .string()
  .max(SIGNATURE_PREFIX.length + Math.ceil(SIGNATURE_MAX_BYTES / 3) * 4, 'validation.contract.signatureTooLarge')
  .refine((s) => {
    if (!s.startsWith(SIGNATURE_PREFIX)) return false;
    const b64 = s.slice(SIGNATURE_PREFIX.length);
    return b64.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(b64) && b64.startsWith(PNG_MAGIC_B64);
  }, 'validation.contract.signatureFormat')
  .refine((s) => decodedLength(s.slice(SIGNATURE_PREFIX.length)) <= SIGNATURE_MAX_BYTES, 'validation.contract.signatureTooLarge');
export type Signature = z.infer<typeof Signature>;

export const TerminationReason = z.enum(TERMINATION_REASONS);

/** 解约 (contracting.md §5): who, when, why. The contract keeps its fulfilment records. */
export const Termination = z
  .object({
    terminatedDate: DateOfCare,
    reason: TerminationReason,
    note: text(500).optional(),
    recordedBy: id(),
    recordedAt: z.number().int().min(0),
  })
  .refine((t) => t.reason !== 'other' || Boolean(t.note?.trim()), { path: ['note'], message: 'validation.required' });
export type Termination = z.infer<typeof Termination>;

/** 签约服务协议 (contracting.md §2). */
export const Contract = z
  .object({
    contractNo: text(40).min(1, 'validation.required'),
    residentId: ResidentId,
    householdContractGroup: id().optional(),
    teamId: id(),
    doctorId: id(),
    contractType: z.enum(['new', 'renewal']),
    previousContractId: id().optional(),
    populationTags: z.array(PopulationTag).max(POPULATION_TAGS.length),
    packageIds: z.array(id()).min(1).max(10),
    startDate: DateOfCare,
    endDate: DateOfCare,
    feeTotal: Yuan,
    feeSelfPay: Yuan,
    feeInsurance: Yuan,
    feePublicHealth: Yuan,
    residentSignature: Signature.optional(),
    /** Who signed for the resident when not the resident (e.g. a guardian). */
    signerName: text(40).optional(),
    signerRelation: z.enum(['self', 'guardian', 'familyMember']).optional(),
    doctorSignature: Signature.optional(),
    signDate: DateOfCare.optional(),
    termination: Termination.optional(),
  })
  .superRefine((c, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    // zod 4 still runs this after a failed field refinement: check the cross-field rules only on valid fields,
    // so one mistake gives one message (and an impossible date never reaches the date arithmetic).
    const datesValid = [c.startDate, c.endDate, c.signDate, c.termination?.terminatedDate].every((d) => d === undefined || isValidDate(d));
    if (!datesValid) return;
    if (contractPeriod(c.startDate).endDate !== c.endDate) issue('endDate', 'validation.contract.periodOneYear');
    const fees = [c.feeSelfPay, c.feeInsurance, c.feePublicHealth];
    if ([c.feeTotal, ...fees].every(hasFenPrecision) && fees.reduce((s, f) => s + fen(f), 0) !== fen(c.feeTotal)) {
      issue('feeTotal', 'validation.contract.feesDoNotAddUp');
    }
    if (c.contractType === 'renewal' && !c.previousContractId) issue('previousContractId', 'validation.required');
    if (new Set(c.packageIds).size !== c.packageIds.length) issue('packageIds', 'validation.contract.duplicatePackage');
    if (c.signDate) {
      if (!c.residentSignature) issue('residentSignature', 'validation.required');
      if (!c.doctorSignature) issue('doctorSignature', 'validation.required');
      if (compareDates(c.signDate, c.endDate) > 0) issue('signDate', 'validation.contract.signAfterEnd');
    }
    if (c.signerRelation && c.signerRelation !== 'self' && !c.signerName?.trim()) issue('signerName', 'validation.required');
    if (c.termination) {
      const t = c.termination.terminatedDate;
      if (!c.signDate) issue('termination', 'validation.contract.notSigned');
      if (compareDates(t, c.startDate) < 0 || compareDates(t, c.endDate) > 0) {
        issue('termination', 'validation.contract.terminationOutsidePeriod');
      }
    }
  });
export type Contract = z.infer<typeof Contract>;
