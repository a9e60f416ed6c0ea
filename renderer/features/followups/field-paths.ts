/** Where the API's field issues (paths of the stored form) belong on the follow-up screen (followup-model.ts values). */
import type { Disease } from '../../../shared/api/followups';

const DISEASE_FIELDS = new Set([
  'symptoms',
  'emergencySigns',
  'saltIntake',
  'targetSaltIntake',
  'classification',
  'nextStep',
  'nextVisitDate',
  'stapleGramsPerDay',
  'targetStapleGramsPerDay',
  'hba1c',
  'hba1cDate',
  'hypoglycemia',
  'dorsalisPedis',
]);

const RENAMED: Record<string, (string | number)[]> = {
  fastingGlucose: ['t2dm', 'glucoseValue'],
  glucose: ['t2dm', 'glucoseValue'],
  'dorsalisPedis.side': ['t2dm', 'dorsalisPedisSide'],
  'dorsalisPedis.result': ['t2dm', 'dorsalisPedis'],
  'insulin.kind': ['t2dm', 'insulin', 'kind'],
  'insulin.doseUnits': ['t2dm', 'insulin', 'doseUnits'],
  'insulin.timesPerDay': ['t2dm', 'insulin', 'timesPerDay'],
  'insulin.usage': ['t2dm', 'insulin', 'usage'],
  referral: ['referralReason'],
  'referral.reason': ['referralReason'],
  'referral.orgDept': ['referralOrgDept'],
  'referral.contactPerson': ['referralContactPerson'],
  'referral.contactPhone': ['referralContactPhone'],
  bmi: ['weight'],
  targetBmi: ['targetWeight'],
};

/**
 * Where an API field issue belongs on this screen: `sbp` → ['sbp'], `symptoms` of the diabetes form →
 * ['t2dm', 'symptoms'], `override.reason` → [disease, 'overrideReason'], `medications.0.drugName` → ['medications', 0,
 * 'drugName']. Door errors carry the `followup.form.` prefix of the request; it is dropped.
 */
export function formPathFor(disease: Disease, path: string): (string | number)[] {
  const bare = path.replace(/^followup\.form\./, '').replace(/^followup\./, '');
  if (bare === 'override.reason' || bare.startsWith('override.')) return [disease, 'overrideReason'];
  const renamed = RENAMED[bare];
  if (renamed) return renamed;
  const parts = bare.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const head = parts[0];
  if (typeof head === 'string' && DISEASE_FIELDS.has(head)) return [disease, head];
  return parts;
}
