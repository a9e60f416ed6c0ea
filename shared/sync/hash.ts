/** 64-bit FNV-1a of a string's UTF-8 bytes, as 16 hex digits: a short, stable name for content, not a security measure. */
export function hash64(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (const unit of new TextEncoder().encode(s)) {
    h ^= BigInt(unit);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}
