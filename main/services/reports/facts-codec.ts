/**
 * The stored per-resident facts' text form (indicator-facts.ts, `p_indicator_facts.facts`), made to be read fast: a
 * report's first read decodes 30,000 of them, and JSON.parse of nested arrays then cost more than everything else
 * (issue 15 item 8). A row is one line of fields cut by ASCII control characters, so a whole table read as one
 * string (group_concat with newlines) is decoded by one scan that makes the shared functions' records directly:
 *
 *   C id US village US birth US created US status US statusDate US event (RS event)* US contract (RS contract)*
 *   event:    type GS date GS visitMode GS sbp GS dbp GS glucose GS complete GS serviceCode GS disease GS enrolled GS enStatus GS enStatusDate
 *   contract: id GS team GS start GS end GS signDate GS terminatedDate GS packageId (FS packageId)* GS tag (FS tag)*
 *
 * (US 0x1f, RS 0x1e, GS 0x1d, FS 0x1c). An empty field is null (an event's trailing empty fields are left out), a
 * known type is its position in TYPES. A row this form cannot hold exactly (a text with a control character, an
 * empty text where null is meant, a number that does not survive String and Number) is stored as `J` and JSON, which
 * never contains a raw newline either: every row decodes to exactly what was encoded (facts-codec.test.ts).
 */
import { addDays, compareDates } from '../../../shared/domain/dates';
import { DYNAMIC_USE_DAYS } from '../../../shared/domain/indicators/compute';
import type { ContractFields } from '../../../shared/domain/indicators/from-documents';
import type { EncounterRecord, EnrolmentFacts, ResidentRecord } from '../../../shared/domain/indicators/types';

/** One resident's stored facts, decoded: the records the shared indicator functions read. */
export interface StoredFacts {
  resident: ResidentRecord;
  /** Each event's latest completed version in date order; event ids are '0', '1', … within the resident. */
  encounters: EncounterRecord[];
  contracts: ContractFields[];
}

/**
 * Encounter types stored as their position here; any other type is stored by name after '~'. Append only: a changed
 * position needs a new version of the facts' projection.
 */
const TYPES = [
  'htnFollowup',
  't2dmFollowup',
  'healthCheck',
  'htnEnrolment',
  't2dmEnrolment',
  'referralCheck',
  'tcmAssessment',
  'deviceReading',
  'contractService',
  'measurement',
  'selfCareAssessment',
];
const TYPE_CODES = new Map(TYPES.map((t, i) => [t, String(i)]));
/** The ids given to a resident's events ('0', '1', …), made once. */
const EVENT_IDS = Array.from({ length: 256 }, (_, i) => String(i));

/**
 * The days a report's windows reach, for a decode that leaves out the events no indicator of those windows reads
 * (a first report reads 30,000 residents' years of events; its windows read about one year of them). What the shared
 * rules (shared/domain/indicators/compute.ts) read of a window [start, end]: events dated up to `end`, from the
 * first day that makes a record dynamic (end − 364) or `start` if earlier, and, for a contract's fulfilment, from the
 * start of the contract; the enrolments (htnEnrolment, t2dmEnrolment) whatever their date. So `from` is the earliest
 * of those days over the windows and `to` the latest end (`eventRangeOf`); a resident's events are also kept from
 * their earliest contract start, and their enrolments always. facts-codec.test.ts holds the cut input to the same
 * contributions as the whole one.
 */
export interface EventRange {
  from: string;
  to: string;
}

/** The range of `windows` (each window's own first day, or its end − 364 if earlier, to the latest end). */
export function eventRangeOf(windows: readonly { start: string; end: string }[]): EventRange | undefined {
  let range: EventRange | undefined;
  for (const w of windows) {
    const dynamicFrom = addDays(w.end, -(DYNAMIC_USE_DAYS - 1));
    const from = compareDates(dynamicFrom, w.start) < 0 ? dynamicFrom : w.start;
    if (!range) range = { from, to: w.end };
    else {
      if (compareDates(from, range.from) < 0) range.from = from;
      if (compareDates(w.end, range.to) > 0) range.to = w.end;
    }
  }
  return range;
}

const US = 0x1f;
const US_CHAR = String.fromCharCode(US);
const RS = 0x1e;
const RS_CHAR = String.fromCharCode(RS);
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;

/**
 * A resident's `i`-th stored event as the shared functions' record: the one shape both a decoded row and a freshly
 * computed one have (the same fields in the same order, so the shared functions see one object shape).
 */
export function storedEvent(
  residentId: string,
  i: number,
  type: string,
  date: string,
  visitMode: number | null,
  sbp: number | null,
  dbp: number | null,
  fastingGlucose: number | null,
  serviceCode: string | null,
  enrolment: EnrolmentFacts | null,
  isServiceComplete: boolean | null,
): EncounterRecord {
  return { id: EVENT_IDS[i] ?? String(i), residentId, type, date, status: 'completed', visitMode, sbp, dbp, fastingGlucose, serviceCode, enrolment, isServiceComplete };
}

/** `e` (a latest completed version) as the `i`-th stored event: only what the indicator functions read is kept. */
export function toStoredEvent(residentId: string, e: EncounterRecord, i: number): EncounterRecord {
  const en = e.enrolment;
  return storedEvent(
    residentId,
    i,
    e.type,
    e.date,
    e.visitMode ?? null,
    e.sbp ?? null,
    e.dbp ?? null,
    e.fastingGlucose ?? null,
    e.serviceCode ?? null,
    en ? { disease: en.disease, enrolledDate: en.enrolledDate, status: en.status, statusDate: en.statusDate ?? null } : null,
    e.isServiceComplete ?? null,
  );
}

class NotCompact extends Error {}

/** A text field: not empty, no control character (those cut the fields). */
function text(s: string): string {
  if (s === '') throw new NotCompact();
  for (let i = 0; i < s.length; i += 1) if (s.charCodeAt(i) < 0x20) throw new NotCompact();
  return s;
}
const optText = (s: string | null | undefined): string => (s === null || s === undefined ? '' : text(s));
function optNumber(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  const s = String(n);
  if (Number(s) !== n || Object.is(n, -0)) throw new NotCompact();
  return s;
}
function list(items: readonly string[]): string {
  return items.map(text).join(String.fromCharCode(FS));
}

function compactEvent(e: EncounterRecord): string {
  const en = e.enrolment;
  const type = TYPE_CODES.get(e.type) ?? `~${text(e.type)}`;
  const complete = e.isServiceComplete === null || e.isServiceComplete === undefined ? '' : e.isServiceComplete ? '1' : '0';
  const fields = [
    type,
    text(e.date),
    optNumber(e.visitMode),
    optNumber(e.sbp),
    optNumber(e.dbp),
    optNumber(e.fastingGlucose),
    complete,
    optText(e.serviceCode),
    ...(en ? [text(en.disease), text(en.enrolledDate), text(en.status), optText(en.statusDate)] : []),
  ];
  while (fields.length > 2 && fields[fields.length - 1] === '') fields.pop();
  return fields.join(String.fromCharCode(GS));
}

function compactContract(c: ContractFields): string {
  return [text(c.id), text(c.teamId), text(c.startDate), text(c.endDate), optText(c.signDate), optText(c.terminatedDate), list(c.packageIds), list(c.populationTags)].join(
    String.fromCharCode(GS),
  );
}

/** The stored text of `f`: compact when it can hold it exactly, else `J` and JSON. */
export function encodeFacts(f: StoredFacts): string {
  try {
    const r = f.resident;
    const rs = String.fromCharCode(RS);
    return [
      `C${text(r.id)}`,
      text(r.villageCode),
      text(r.birthDate),
      text(r.createdDate),
      text(r.status),
      optText(r.statusDate),
      f.encounters.map(compactEvent).join(rs),
      f.contracts.map(compactContract).join(rs),
    ].join(String.fromCharCode(US));
  } catch (e) {
    if (!(e instanceof NotCompact)) throw e;
    return `J${JSON.stringify(f)}`;
  }
}

/**
 * The date texts decoded so far, by their digits as a number: a township's 240,000 events fall on a few thousand
 * days, and one shared string per day is less to make and less for the collector to keep (the first report's read
 * is mostly allocation).
 */
const dates = new Map<number, string>();
const MAX_DATES = 100_000;

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * The 'YYYY-MM-DD' date at `p` in `s` (ended by the string's end or a control character) as the number YYYYMMDD,
 * which orders as the text does; -1 for anything else. Lets a ranged decode compare an event's date without making
 * its text.
 */
function dateKeyAt(s: string, p: number): number {
  const end = p + 10;
  if (end > s.length || (end < s.length && s.charCodeAt(end) >= 0x20) || s.charCodeAt(p + 4) !== 0x2d || s.charCodeAt(p + 7) !== 0x2d) return -1;
  let key = 0;
  for (let i = p; i < end; i += 1) {
    if (i === p + 4 || i === p + 7) continue;
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    key = key * 10 + (c - 0x30);
  }
  return key;
}

/** Decodes rows one after another from one string (rows cut by newlines). */
class Reader {
  private pos = 0;
  /** The character that ended the last field (-1: the end of the string). */
  private cut = -1;

  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.pos >= this.s.length;
  }

  /** The next field, up to the next control character. */
  private field(): string {
    const s = this.s;
    const from = this.pos;
    let i = from;
    while (i < s.length && s.charCodeAt(i) >= 0x20) i += 1;
    this.cut = i < s.length ? s.charCodeAt(i) : -1;
    this.pos = i + 1;
    return s.slice(from, i);
  }

  private optField(): string | null {
    const f = this.field();
    return f === '' ? null : f;
  }

  /** A field that is usually a 'YYYY-MM-DD' date: shared per day; anything else as it is. */
  private date(): string {
    const s = this.s;
    const p = this.pos;
    const end = p + 10;
    if (end <= s.length && (end === s.length || s.charCodeAt(end) < 0x20) && s.charCodeAt(p + 4) === 0x2d && s.charCodeAt(p + 7) === 0x2d) {
      let key = 0;
      for (let i = p; i < end; i += 1) {
        if (i === p + 4 || i === p + 7) continue;
        const c = s.charCodeAt(i);
        if (!isDigit(c)) return this.field();
        key = key * 10 + (c - 0x30);
      }
      let d = dates.get(key);
      if (d === undefined) {
        d = s.slice(p, end);
        if (dates.size < MAX_DATES) dates.set(key, d);
      }
      this.cut = end < s.length ? s.charCodeAt(end) : -1;
      this.pos = end + 1;
      return d;
    }
    return this.field();
  }

  private optDate(): string | null {
    const c = this.pos < this.s.length ? this.s.charCodeAt(this.pos) : -1;
    if (c < 0x20) {
      this.cut = c;
      this.pos += 1;
      return null;
    }
    return this.date();
  }

  /** An event's next field, or null when the event has no more (its trailing empty fields were left out). */
  private eventField(): string | null {
    if (this.cut !== GS) return null;
    return this.optField();
  }

  /** An event's next number: whole numbers are read from the digits, anything else by Number. */
  private eventNumber(): number | null {
    if (this.cut !== GS) return null;
    const s = this.s;
    const from = this.pos;
    let i = from;
    let n = 0;
    let whole = true;
    for (; i < s.length; i += 1) {
      const c = s.charCodeAt(i);
      if (c < 0x20) break;
      if (isDigit(c)) n = n * 10 + (c - 0x30);
      else whole = false;
    }
    this.cut = i < s.length ? s.charCodeAt(i) : -1;
    this.pos = i + 1;
    if (i === from) return null;
    return whole && i - from <= 15 ? n : Number(s.slice(from, i));
  }

  private list(): string[] {
    const first = this.field();
    if (first === '' && this.cut !== FS) return [];
    const out = [first];
    while (this.cut === FS) out.push(this.field());
    return out;
  }

  /**
   * The next row. With `range`, an event that can count in no window within it is left out (see `EventRange`); the
   * others keep their ids (their position among all the resident's events).
   */
  row(range?: EventRange): StoredFacts {
    if (this.s.charCodeAt(this.pos) === 0x4a /* J */) {
      const end = this.s.indexOf('\n', this.pos);
      const json = this.s.slice(this.pos + 1, end < 0 ? this.s.length : end);
      this.pos = end < 0 ? this.s.length : end + 1;
      const f = normalised(JSON.parse(json) as StoredFacts);
      return range ? inRange(f, range) : f;
    }
    this.pos += 1;
    const id = this.field();
    const resident: ResidentRecord = {
      id,
      villageCode: this.field(),
      birthDate: this.date(),
      createdDate: this.date(),
      status: this.field() as ResidentRecord['status'],
      statusDate: this.optDate(),
    };
    const encounters: EncounterRecord[] = [];
    const eventsAt = this.pos;
    // With a range, the contracts (after the events) are read first: an event from a contract's start on may count.
    let from: string | null = null;
    let contractsEnd = -1;
    let contracts: ContractFields[] = [];
    // The events' field ends at eventsEnd (its US). With every date of the range well formed, an event outside it is
    // passed over by its date's digits and a jump to the next RS (most of a resident's years of events are old).
    let eventsEnd = -1;
    let fromKey = -1;
    let toKey = -1;
    if (range) {
      const cut = this.s.indexOf(US_CHAR, eventsAt);
      eventsEnd = cut < 0 ? this.s.length : cut;
      this.pos = cut < 0 ? this.s.length : cut + 1;
      contracts = this.contracts(id);
      contractsEnd = this.pos;
      from = range.from;
      for (const c of contracts) if (compareDates(c.startDate, from) < 0) from = c.startDate;
      this.pos = eventsAt;
      fromKey = dateKeyAt(from, 0);
      toKey = fromKey < 0 ? -1 : dateKeyAt(range.to, 0);
    }
    // The events: none when the field after the status date is empty and cut by US.
    let n = 0;
    if (this.s.charCodeAt(this.pos) !== US) {
      do {
        const first = this.s.charCodeAt(this.pos);
        let type: string;
        if (isDigit(first) && this.s.charCodeAt(this.pos + 1) === GS) {
          type = TYPES[first - 0x30] as string;
          this.pos += 2;
        } else {
          const t = this.field();
          type = t.charCodeAt(0) === 0x7e /* ~ */ ? t.slice(1) : (TYPES[Number(t)] as string);
        }
        const i = n;
        n += 1;
        if (toKey >= 0 && !isEnrolment(type)) {
          const key = dateKeyAt(this.s, this.pos);
          if (key >= 0 && (key < fromKey || key > toKey)) {
            const next = this.s.indexOf(RS_CHAR, this.pos);
            if (next >= 0 && next < eventsEnd) {
              this.pos = next + 1;
              this.cut = RS;
            } else {
              this.pos = eventsEnd + 1;
              this.cut = US;
            }
            continue;
          }
        }
        const date = this.date();
        if (from !== null && !isEnrolment(type) && (compareDates(date, from) < 0 || compareDates(date, (range as EventRange).to) > 0)) {
          this.skipEvent();
          continue;
        }
        const visitMode = this.eventNumber();
        const sbp = this.eventNumber();
        const dbp = this.eventNumber();
        const glucose = this.eventNumber();
        const complete = this.eventField();
        const serviceCode = this.eventField();
        const disease = this.eventField();
        const enrolment: EnrolmentFacts | null =
          disease === null
            ? null
            : {
                disease: disease as EnrolmentFacts['disease'],
                enrolledDate: this.cut === GS ? this.date() : '',
                status: this.eventField() as EnrolmentFacts['status'],
                statusDate: this.cut === GS ? this.optDate() : null,
              };
        encounters.push(storedEvent(id, i, type, date, visitMode, sbp, dbp, glucose, serviceCode, enrolment, complete === null ? null : complete === '1'));
      } while (this.cut === RS);
    } else this.pos += 1;
    if (contractsEnd >= 0) this.pos = contractsEnd;
    else contracts = this.contracts(id);
    return { resident, encounters, contracts };
  }

  /** The rest of an event whose type and date were read: up to the RS or US after it. */
  private skipEvent(): void {
    const s = this.s;
    let i = this.pos;
    if (this.cut === GS) while (i < s.length && s.charCodeAt(i) !== RS && s.charCodeAt(i) !== US) i += 1;
    else i -= 1;
    this.cut = i < s.length ? s.charCodeAt(i) : -1;
    this.pos = i + 1;
  }

  /** A row's contracts, up to the end of the row. */
  private contracts(id: string): ContractFields[] {
    const contracts: ContractFields[] = [];
    if (this.pos < this.s.length && this.s.charCodeAt(this.pos) !== LF) {
      do {
        contracts.push({
          id: this.field(),
          residentId: id,
          teamId: this.field(),
          startDate: this.date(),
          endDate: this.date(),
          signDate: this.optDate(),
          terminatedDate: this.optDate(),
          packageIds: this.list(),
          populationTags: this.list(),
        });
      } while (this.cut === RS);
    } else this.pos += 1;
    return contracts;
  }
}

const isEnrolment = (type: string) => type === 'htnEnrolment' || type === 't2dmEnrolment';

/** `f` with only the events its range keeps (as a compact row is cut while it is read). */
function inRange(f: StoredFacts, range: EventRange): StoredFacts {
  let from = range.from;
  for (const c of f.contracts) if (compareDates(c.startDate, from) < 0) from = c.startDate;
  const kept = f.encounters.filter((e) => isEnrolment(e.type) || (compareDates(e.date, from) >= 0 && compareDates(e.date, range.to) <= 0));
  return { ...f, encounters: kept };
}

/** A `J` row in the shapes a compact row decodes to. */
function normalised(f: StoredFacts): StoredFacts {
  return storedFacts(f.resident, f.encounters, f.contracts);
}

/**
 * One resident's facts in the shape a stored row decodes to: only what the indicator functions read, absent values as
 * null. `encounters` are the latest completed versions in date order.
 */
export function storedFacts(r: ResidentRecord, encounters: readonly EncounterRecord[], contracts: readonly ContractFields[]): StoredFacts {
  const id = r.id;
  return {
    resident: { id, villageCode: r.villageCode, birthDate: r.birthDate, createdDate: r.createdDate, status: r.status, statusDate: r.statusDate ?? null },
    encounters: encounters.map((e, i) => toStoredEvent(id, e, i)),
    contracts: contracts.map((c) => ({
      id: c.id,
      residentId: id,
      teamId: c.teamId,
      startDate: c.startDate,
      endDate: c.endDate,
      signDate: c.signDate ?? null,
      terminatedDate: c.terminatedDate ?? null,
      packageIds: c.packageIds,
      populationTags: c.populationTags,
    })),
  };
}

/**
 * Every row of `rows` (stored texts joined by newlines, as group_concat(facts, char(10)) reads them). With `range`,
 * only the events that can count in a window within it (`EventRange`).
 */
export function decodeFactsRows(rows: string, range?: EventRange): StoredFacts[] {
  const out: StoredFacts[] = [];
  const r = new Reader(rows);
  while (!r.atEnd()) out.push(r.row(range));
  return out;
}

/** One stored text. */
export function decodeFacts(row: string): StoredFacts {
  return new Reader(row).row();
}
