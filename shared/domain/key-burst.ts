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
 * An e-health-card QR payload as scanners deliver it. The national format is not available here (devices/README.md),
 * so this accepts what such codes are made of: 16–256 printable characters without spaces (hex, base64, `:`-joined
 * parts). The issuing platform is the authority; offline a code is only ever an unverified identifier.
 */
export function isHealthCardCode(text: string): boolean {
  return /^[0-9A-Za-z:+/=._-]{16,256}$/.test(text);
}
