/**
 * 电子健康卡 QR scanners in keyboard mode type the code as keystrokes far faster than a person, ending in Enter
 * (devices/README.md: "≥ 8 characters within 50 ms, ended by Enter"). This detector sees every key with its time
 * and says when a burst has ended; the renderer (renderer/features/devices/KeyBurstScanner.tsx) then takes the
 * characters back out of the focused field and looks the code up. Pure: timing comes in with each key.
 */

/** The longest pause between two keys of one scan; a fast typist's keys are ≥ ~80 ms apart. */
export const MAX_KEY_GAP_MS = 50;
/** Shorter bursts (a barcode-free paste, a held key) are not scans. */
export const MIN_BURST_LENGTH = 8;
export const MAX_BURST_LENGTH = 512;

export type BurstResult = { kind: 'none' } | { kind: 'burst'; text: string };

/** Modifier keys a scanner sends around its characters (Shift for upper case); they neither count nor break a burst. */
const IGNORED = new Set(['Shift', 'CapsLock', 'Alt', 'Control', 'Meta', 'AltGraph']);

export class KeyBurstDetector {
  private text = '';
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly maxGapMs = MAX_KEY_GAP_MS,
    private readonly minLength = MIN_BURST_LENGTH,
  ) {}

  /** True when no key of a possible burst is held: the next character may start one. */
  get isIdle(): boolean {
    return this.text === '';
  }

  /** `key` as KeyboardEvent.key; `at` in ms (event.timeStamp). */
  push(key: string, at: number): BurstResult {
    if (IGNORED.has(key)) return { kind: 'none' };
    const isFast = at - this.lastAt <= this.maxGapMs;
    if (key === 'Enter') {
      const text = this.text;
      this.reset();
      return isFast && text.length >= this.minLength ? { kind: 'burst', text } : { kind: 'none' };
    }
    if (key.length !== 1) {
      this.reset();
      return { kind: 'none' };
    }
    if (!isFast || this.text.length >= MAX_BURST_LENGTH) this.text = '';
    this.text += key;
    this.lastAt = at;
    return { kind: 'none' };
  }

  reset(): void {
    this.text = '';
    this.lastAt = Number.NEGATIVE_INFINITY;
  }
}

/**
 * How the clinic recognises an e-health-card code (设备 → 电子健康卡格式, admin only): a regular expression the whole
 * code must match, or a prefix and a length range. The national format is not available here (devices/README.md), so
 * the default is a placeholder: 16–256 printable characters without spaces (hex, base64, `:`-joined parts). The
 * issuing platform is the authority; offline a code is only ever an unverified identifier.
 */
export type HealthCardPattern =
  | { kind: 'regex'; source: string }
  | { kind: 'prefix'; prefix: string; minLength: number; maxLength: number };

const PLACEHOLDER_SOURCE = '[0-9A-Za-z:+/=._-]{16,256}';
export const PLACEHOLDER_HEALTH_CARD_PATTERN: HealthCardPattern = { kind: 'regex', source: PLACEHOLDER_SOURCE };
/** Limits of a pattern an administrator may set. */
export const MAX_PATTERN_SOURCE_LENGTH = 200;
export const MAX_PREFIX_LENGTH = 64;

export function isPlaceholderPattern(p: HealthCardPattern): boolean {
  return p.kind === 'regex' && p.source === PLACEHOLDER_SOURCE;
}

/** Why a pattern was refused: the `validation.*` message key and the field it belongs to. */
export type PatternProblem = {
  key: 'healthCardBadRegex' | 'healthCardMatchesEmpty' | 'healthCardTooLong' | 'healthCardPrefixChars' | 'healthCardLengthRange'; field: 'source' | 'prefix' | 'minLength' | 'maxLength'; detail?: string };

export type CompiledPattern = { ok: true; test: (code: string) => boolean } | { ok: false; problem: PatternProblem };

/** Printable ASCII without spaces: what a keyboard-mode scanner can type. */
const SCANNABLE = /^[\x21-\x7e]*$/;

/** Checks a pattern and makes its matcher; a pattern that does not compile, or accepts an empty code, is refused. */
export function compileHealthCardPattern(p: HealthCardPattern): CompiledPattern {
  if (p.kind === 'regex') {
    if (p.source.length > MAX_PATTERN_SOURCE_LENGTH) return { ok: false, problem: { key: 'healthCardTooLong', field: 'source' } };
    let re: RegExp;
    try {
      // Anchored: the whole code must match, not some part of it.
      re = new RegExp(`^(?:${p.source})$`);
    } catch (e) {
      return { ok: false, problem: { key: 'healthCardBadRegex', field: 'source', detail: e instanceof Error ? e.message : String(e) } };
    }
    if (re.test('')) return { ok: false, problem: { key: 'healthCardMatchesEmpty', field: 'source' } };
    return { ok: true, test: (code) => code.length > 0 && code.length <= MAX_BURST_LENGTH && re.test(code) };
  }
  if (p.prefix.length > MAX_PREFIX_LENGTH || !SCANNABLE.test(p.prefix)) return { ok: false, problem: { key: 'healthCardPrefixChars', field: 'prefix' } };
  if (!Number.isInteger(p.minLength) || p.minLength < 1) return { ok: false, problem: { key: 'healthCardMatchesEmpty', field: 'minLength' } };
  if (!Number.isInteger(p.maxLength) || p.maxLength < p.minLength || p.maxLength > MAX_BURST_LENGTH || p.minLength < p.prefix.length) {
    return { ok: false, problem: { key: 'healthCardLengthRange', field: 'maxLength' } };
  }
  const { prefix, minLength, maxLength } = p;
  return { ok: true, test: (code) => code.length >= minLength && code.length <= maxLength && code.startsWith(prefix) && SCANNABLE.test(code) };
}

const placeholder = compileHealthCardPattern(PLACEHOLDER_HEALTH_CARD_PATTERN);

/** Whether `text` is an e-health-card code under the clinic's pattern (the placeholder when none is given). */
export function isHealthCardCode(text: string, pattern: HealthCardPattern = PLACEHOLDER_HEALTH_CARD_PATTERN): boolean {
  const c = pattern === PLACEHOLDER_HEALTH_CARD_PATTERN ? placeholder : compileHealthCardPattern(pattern);
  return c.ok && c.test(text);
}
