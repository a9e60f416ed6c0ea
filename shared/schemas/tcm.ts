/**
 * 老年人中医药健康管理服务记录表 (tcm.md), the `data.form` of an `encounters` document of type `tcmAssessment`.
 * Completed when saved (the form has no blanks); scores and constitutions are computed (shared/domain/tcm.ts) and
 * stored beside it. Schema version 0.
 */
import { z } from 'zod';
import { CONSTITUTION_TYPES, GUIDANCE_CODES, TCM_ITEM_COUNT, type ConstitutionType } from '../domain/tcm';
import { DateOfCare, ResidentId } from './resident';

const Score = z.number().int().min(1).max(5);
const Guidance = z.array(z.literal(GUIDANCE_CODES)).max(GUIDANCE_CODES.length);

export const TcmAssessmentForm = z
  .object({
    residentId: ResidentId,
    date: DateOfCare,
    /** Item 1 first; every item answered 1–5 (checked by the service so the missing items come back by number). */
    answers: z.array(Score.nullable()).max(TCM_ITEM_COUNT),
    /** 中医药保健指导 ticked per determined type. */
    guidance: z.partialRecord(z.enum(CONSTITUTION_TYPES as [ConstitutionType, ...ConstitutionType[]]), Guidance).default({}),
    guidanceOther: z.string().trim().max(200).optional(),
    doctorSignature: z.string().trim().min(1, 'validation.required').max(40),
  })
  .strict();
export type TcmAssessmentForm = z.infer<typeof TcmAssessmentForm>;
