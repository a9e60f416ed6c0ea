/** 家庭 (household): residents sharing an address, with each member's relation to the head. Schema version 0. */
import { z } from 'zod';
import { ClinicCode } from '../api/session';
import { HouseholdId, ResidentId, VillageCode } from './resident';

/** 与户主关系 (GB/T 4761 groups, simplified to what the forms use). */
export const HouseholdRelation = z.enum([
  'head',
  'spouse',
  'child',
  'childInLaw',
  'grandchild',
  'parent',
  'parentInLaw',
  'grandparent',
  'sibling',
  'otherRelative',
  'nonRelative',
]);
export type HouseholdRelation = z.infer<typeof HouseholdRelation>;

export const Household = z
  .object({
    id: HouseholdId,
    clinicCode: ClinicCode,
    villageCode: VillageCode,
    address: z.string().trim().min(1, 'validation.required').max(120),
    headResidentId: ResidentId,
    memberIds: z.array(ResidentId).min(1).max(50),
    /** residentId → relation to the head; the head maps to 'head'. */
    relations: z.record(z.string(), HouseholdRelation),
    createdAt: z.number().int().nonnegative(),
    updatedAt: z.number().int().nonnegative(),
  })
  .superRefine((h, ctx) => {
    if (!h.memberIds.includes(h.headResidentId)) {
      ctx.addIssue({ code: 'custom', path: ['headResidentId'], message: 'validation.headNotMember' });
    }
    if (new Set(h.memberIds).size !== h.memberIds.length) {
      ctx.addIssue({ code: 'custom', path: ['memberIds'], message: 'validation.duplicateMember' });
    }
    for (const id of Object.keys(h.relations)) {
      if (!(h.memberIds as string[]).includes(id)) {
        ctx.addIssue({ code: 'custom', path: ['relations', id], message: 'validation.relationNotMember' });
      }
    }
    if (h.relations[h.headResidentId] !== undefined && h.relations[h.headResidentId] !== 'head') {
      ctx.addIssue({ code: 'custom', path: ['relations', h.headResidentId], message: 'validation.headRelation' });
    }
  });
export type Household = z.infer<typeof Household>;
