/**
 * 家庭医生签约 through the API: teams and service packages (settings documents), signing a resident or a whole
 * household, renewal, termination, fulfilment (履约) and manually recorded services. Shapes of the stored documents
 * are shared/schemas/contract.ts; `contracts.get` carries everything a printed agreement needs.
 */
import { z } from 'zod';
import { Contract, DoctorTeam, ServiceCode, ServicePackage, Signature, TeamMember, TerminationReason } from '../schemas/contract';
import { DateOfCare } from '../schemas/resident';
import { method } from './method';

const Id = z.string().min(1).max(64);

export const TeamInput = z
  .object({
    teamName: z.string().trim().min(1).max(60),
    leaderId: Id,
    members: z.array(TeamMember).min(1).max(50),
    villages: z.array(z.string().regex(/^\d{12}$/)).max(200),
  })
  .strict();
export type TeamInput = z.infer<typeof TeamInput>;

export const teams = {
  /** 家庭医生团队, by name. Errors: LOCKED. */
  list: method({ scope: 'clinic', input: z.object({}).strict(), output: z.array(DoctorTeam) }),
  /** Errors: NOT_FOUND. */
  get: method({ scope: 'clinic', input: z.object({ teamId: Id }).strict(), output: DoctorTeam }),
  /** Create (teamId absent) or replace a team. Errors: NOT_FOUND, VALIDATION_FAILED (leader not a member, no family doctor, unknown village). */
  save: method({ scope: 'admin', input: z.object({ teamId: Id.optional(), team: TeamInput }).strict(), output: DoctorTeam }),
};

export const packages = {
  /** 服务包; the defaults are stored on first use when the clinic has none. Errors: LOCKED. */
  list: method({ scope: 'clinic', input: z.object({}).strict(), output: z.array(ServicePackage) }),
  /** Create or replace a package by its id. Errors: VALIDATION_FAILED. */
  save: method({ scope: 'admin', input: z.object({ package: ServicePackage }).strict(), output: ServicePackage }),
};

export const ItemFulfilmentView = z.object({
  packageId: z.string(),
  serviceCode: z.string(),
  name: z.object({ zh: z.string(), en: z.string() }),
  required: z.number().int(),
  delivered: z.number().int(),
  outstanding: z.number().int(),
  isMet: z.boolean(),
  eventIds: z.array(z.string()),
});

export const FulfilmentView = z.object({
  items: z.array(ItemFulfilmentView),
  isFulfilled: z.boolean(),
  deliveredItems: z.number().int(),
  promisedItems: z.number().int(),
});
export type FulfilmentView = z.infer<typeof FulfilmentView>;

/** Derived on read from dates and events (contract-rules.contractStatus). */
export const ContractStatusView = z.enum(['draft', 'signed', 'active', 'expired', 'renewed', 'terminated']);

export const ContractParty = z.object({
  id: z.string(),
  name: z.string(),
  sex: z.string(),
  birthDate: z.string(),
  idNumber: z.string(),
  phone: z.string(),
  recordNo: z.string(),
  villageCode: z.string(),
  villageName: z.string(),
  address: z.string(),
});

/** One agreement with everything the printed 签约服务协议 shows. */
export const ContractView = z.object({
  id: z.string(),
  status: ContractStatusView,
  contract: Contract,
  doctorName: z.string(),
  resident: ContractParty,
  team: DoctorTeam.nullable(),
  packages: z.array(ServicePackage),
  fulfilment: FulfilmentView,
  /** The other members' contracts signed together (household signing). */
  group: z.array(z.object({ contractId: z.string(), residentId: z.string(), name: z.string() })),
  /** The renewal of this contract, when there is one. */
  renewedBy: z.string(),
  canRenew: z.boolean(),
  clinicName: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type ContractView = z.infer<typeof ContractView>;

export const Fees = z.object({ selfPay: z.number().min(0), insurance: z.number().min(0), publicHealth: z.number().min(0) });

const SignCommon = {
  teamId: Id,
  /** Staff id of the family doctor in the team. */
  doctorId: Id,
  /** The basic package is always included. */
  packageIds: z.array(Id).max(10).default([]),
  startDate: DateOfCare,
  /** Per person; defaults to the packages' price paid by the resident. */
  fees: Fees.optional(),
  residentSignature: Signature,
  doctorSignature: Signature,
  signDate: DateOfCare,
};

export const contracts = {
  /** Sign one resident, or every member of a household (the signer signs for the family), for one year. Errors: NOT_FOUND, VALIDATION_FAILED, CONTRACT_OVERLAP. */
  sign: method({ scope: 'village',
    input: z
      .object({
        residentId: Id.optional(),
        householdId: Id.optional(),
        /** Who signed (defaults to the resident, or the household head); a guardian's name when not a resident. */
        signerResidentId: Id.optional(),
        signerName: z.string().trim().max(40).optional(),
        ...SignCommon,
      })
      .strict(),
    output: z.array(ContractView),
  }),
  /** 续约: a new contract linked to this one, starting the day after it ends (or today when late). Errors: NOT_FOUND, VALIDATION_FAILED, CONTRACT_OVERLAP. */
  renew: method({ scope: 'village',
    input: z
      .object({
        id: Id,
        teamId: Id.optional(),
        doctorId: Id.optional(),
        packageIds: z.array(Id).max(10).optional(),
        fees: Fees.optional(),
        residentSignature: Signature,
        doctorSignature: Signature,
        signDate: DateOfCare,
        signerName: z.string().trim().max(40).optional(),
      })
      .strict(),
    output: ContractView,
  }),
  /** 解约 with a reason; the contract keeps its fulfilment records. Errors: NOT_FOUND, VALIDATION_FAILED. */
  terminate: method({ scope: 'village',
    input: z.object({ id: Id, terminatedDate: DateOfCare, reason: TerminationReason, note: z.string().trim().max(500).optional() }).strict(),
    output: ContractView,
  }),
  /** One agreement, with fulfilment (audited as an opening). Errors: NOT_FOUND. */
  get: method({ scope: 'village', audit: 'residentRead', input: z.object({ id: Id }).strict(), output: ContractView }),
  /** A resident's agreements, newest first. Errors: NOT_FOUND. */
  forResident: method({ scope: 'village', audit: 'residentRead', input: z.object({ residentId: Id }).strict(), output: z.array(ContractView) }),
  /** Record a delivered service that no clinical form records (consultation, home visit …). Errors: NOT_FOUND, VALIDATION_FAILED. */
  recordService: method({ scope: 'village',
    input: z.object({ id: Id, serviceCode: ServiceCode, date: DateOfCare, note: z.string().trim().max(500).default('') }).strict(),
    output: ContractView,
  }),
};
