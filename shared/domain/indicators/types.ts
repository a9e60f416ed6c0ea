/**
 * The inputs of the indicator functions (考核指标, indicators.md): lightweight records the clinic builds from its
 * collections and the county platform builds from its tables, so both compute with the very same functions.
 */
import type { CalendarDate } from '../dates';
import type { ContractItem } from '../contract-rules';

/** A resident as the indicators see them. */
export interface ResidentRecord {
  id: string;
  villageCode: string;
  birthDate: CalendarDate;
  /** 建档日期: the record exists from this date (a resident who moves in gets a record then). */
  createdDate: CalendarDate;
  status: 'active' | 'died' | 'movedOut';
  /** When `status` last changed; a died / moved-out resident without it is taken as gone before any period. */
  statusDate?: CalendarDate | null;
}

/** 慢病登记 as of its latest version. */
export interface EnrolmentFacts {
  disease: 'htn' | 't2dm';
  enrolledDate: CalendarDate;
  status: 'active' | 'died' | 'movedOut' | 'lostToFollowUp' | 'excluded';
  statusDate?: CalendarDate | null;
}

/**
 * One encounter version. `type` is a plain string so types added later (`tcmAssessment`) are accepted by name.
 * Of an event and its amendments (`amends` = the original's id) only the latest completed version counts.
 */
export interface EncounterRecord {
  id: string;
  residentId: string;
  type: string;
  date: CalendarDate;
  status: 'draft' | 'completed';
  /** '' (or absent) for an original. */
  amends?: string | null;
  completedAt?: number | null;
  /** 1 门诊, 2 家庭, 3 电话 (follow-ups). */
  visitMode?: number | null;
  sbp?: number | null;
  dbp?: number | null;
  /** mmol/L. */
  fastingGlucose?: number | null;
  weight?: number | null;
  /** Present on `htnEnrolment` / `t2dmEnrolment`. */
  enrolment?: EnrolmentFacts | null;
  /** Present on `contractService`. */
  serviceCode?: string | null;
  /**
   * The service as the elderly indicators count it (indicators.md §4): on `healthCheck`, the form filled in completely
   * with the 65+ parts and health guidance; on `tcmAssessment`, constitution determined and 保健指导 given. Absent
   * (or false) counts for nothing.
   */
  isServiceComplete?: boolean | null;
}

/** 签约: one resident's agreement, with the items its packages promise that resident. */
export interface ContractRecord {
  id: string;
  residentId: string;
  teamId: string;
  startDate: CalendarDate;
  endDate: CalendarDate;
  /** Unsigned drafts are not contracts for the indicators. */
  signDate?: CalendarDate | null;
  terminatedDate?: CalendarDate | null;
  items: readonly ContractItem[];
}

/** A denominator the records cannot know (census population, estimated patients), as entered for a date. */
export interface EnteredDenominator {
  value: number;
  /** The date the figure is valid from (census date, survey date). */
  asOf: CalendarDate;
}

/** Entered denominators for the scope being computed, already summed over its villages. */
export interface ScopeDenominators {
  /** 辖区常住居民数. */
  population?: EnteredDenominator | null;
  /** 辖区内高血压患者总人数 (estimate). */
  htnPatients?: EnteredDenominator | null;
  /** 辖区内2型糖尿病患者总人数 (estimate). */
  t2dmPatients?: EnteredDenominator | null;
}

/** Who is counted: the whole clinic, one village, or the villages a doctor team covers. */
export type IndicatorScope =
  | { kind: 'clinic' }
  | { kind: 'village'; villageCode: string }
  | { kind: 'team'; teamId: string; villageCodes: readonly string[] };

/** The dates the indicators look at: normally 1 January up to the report date (年内, indicators.md). */
export interface IndicatorWindow {
  start: CalendarDate;
  end: CalendarDate;
}

/**
 * One resident's records. A holder that keeps the input current (the clinic's LiveIndicatorInput) passes the same
 * group object again for a resident whose records did not change, and the functions reuse what they worked out for
 * it, so a report after one saved form recomputes one resident, not the township.
 */
export interface ResidentGroup {
  resident: ResidentRecord;
  encounters: readonly EncounterRecord[];
  contracts: readonly ContractRecord[];
  /**
   * True when `encounters` are already each event's latest completed version in date order (the clinic's stored
   * facts): they are then not deduplicated and sorted again.
   */
  current?: boolean;
}

export interface IndicatorInput {
  residents: readonly ResidentRecord[];
  encounters: readonly EncounterRecord[];
  contracts: readonly ContractRecord[];
  /** The same records grouped per resident (optional); when given, the functions read these instead of the arrays. */
  groups?: readonly ResidentGroup[];
  denominators?: ScopeDenominators;
}
