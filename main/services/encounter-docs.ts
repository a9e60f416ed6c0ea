/**
 * A new `encounters` document: every service that records a clinical event (checks, enrolments, follow-ups,
 * referral checks, contract services) builds it here, so ownership fields, ids and timestamps are set one way.
 */
import { v7 as uuidv7 } from 'uuid';
import type { EncounterDoc, EncounterType } from '../../shared/schemas/collections';
import type { ClinicContext } from './clinic-context';

export interface NewEncounter {
  type: EncounterType;
  resident: { id: string; villageCode: string };
  date: string;
  status: 'draft' | 'completed';
  data: Record<string, unknown>;
  /** For an amendment: the original and the reason. */
  amends?: { id: string; reason: string };
  id?: string;
}

export function newEncounterDoc(ctx: Pick<ClinicContext, 'clinicCode' | 'clock' | 'user'>, e: NewEncounter): EncounterDoc {
  const now = ctx.clock.now();
  return {
    id: e.id ?? uuidv7(),
    type: e.type,
    clinicCode: ctx.clinicCode,
    villageCode: e.resident.villageCode,
    residentId: e.resident.id,
    date: e.date,
    status: e.status,
    amends: e.amends?.id ?? '',
    amendReason: e.amends?.reason ?? '',
    data: e.data,
    createdBy: ctx.user.id,
    createdAt: now,
    updatedAt: now,
    completedAt: e.status === 'completed' ? now : 0,
  };
}
