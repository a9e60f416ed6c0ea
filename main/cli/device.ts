/**
 * `cunyi device decode`: support staff feed a capture from the field through the same decoder the app uses and
 * get one JSON line per result (a frame, or an error with its kind). Bytes left at the end are a `truncated`
 * error, never dropped. Needs no clinic and no password: it reads bytes, not the database.
 */
import { readFileSync } from 'node:fs';
import { fromHex, toHex, type DecodeResult } from '../devices/frame-types';
import type { LineProfile } from '../devices/line/frame';
import { createProtocolDecoder, isProtocol, PROTOCOLS } from '../devices/protocols';
import { one, parseArgs, UsageError } from './args';

export const DEVICE_USAGE = `  cunyi device decode --protocol ${PROTOCOLS.join('|')} --from device|host (--hex HEX | --file F)
        [--chunks 7,1100,...] [--profile LINE-PROFILE.json]
        decodes captured bytes with the app's own decoder (split into the given chunk sizes, the last one
        repeating) and prints one JSON line per result; exit code 0 whenever the input could be read`;

/** JSON with byte arrays as uppercase hex strings. */
export function resultJson(r: DecodeResult<unknown>): string {
  const body = r.ok ? { ok: true, frame: r.frame, raw: r.raw } : { ok: false, error: r.error, message: r.message, ...(r.status !== undefined ? { status: r.status } : {}), raw: r.raw };
  return JSON.stringify(body, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v));
}

function chunkSizes(text: string | undefined): number[] {
  if (text === undefined) return [];
  const sizes = text.split(',').map((s) => Number(s.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--chunks expects positive integers separated by commas, got ${text}`);
  return sizes;
}

function readProfile(path: string | undefined): LineProfile | undefined {
  if (path === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--profile ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { fields?: unknown }).fields !== 'object') throw new UsageError('--profile must be a JSON object with "name" and "fields"');
  return parsed as LineProfile;
}

export async function device(argv: string[], write: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'decode') throw new UsageError(`unknown device command: ${sub ?? '(none)'}`);
  const args = parseArgs(rest, { values: ['protocol', 'from', 'hex', 'file', 'chunks', 'profile'] });
  const protocol = one(args, 'protocol', true);
  if (!isProtocol(protocol)) throw new UsageError(`--protocol expects ${PROTOCOLS.join('|')}, got ${protocol}`);
  const from = one(args, 'from', true);
  if (from !== 'device' && from !== 'host') throw new UsageError(`--from expects device|host, got ${from}`);
  const hexText = one(args, 'hex');
  const file = one(args, 'file');
  if ((hexText === undefined) === (file === undefined)) throw new UsageError('give exactly one of --hex and --file');
  let bytes: Uint8Array;
  if (hexText !== undefined) {
    const parsed = fromHex(hexText);
    if (parsed === null) throw new UsageError('--hex must be whole bytes of hexadecimal (spaces allowed)');
    bytes = parsed;
  } else {
    try {
      bytes = Uint8Array.from(readFileSync(file as string));
    } catch (e) {
      throw new UsageError(`--file ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const sizes = chunkSizes(one(args, 'chunks'));
  const decoder = createProtocolDecoder(protocol, from, readProfile(one(args, 'profile')));
  let at = 0;
  let i = 0;
  while (at < bytes.length) {
    const n = sizes.length ? (sizes[Math.min(i++, sizes.length - 1)] ?? bytes.length) : bytes.length;
    for (const r of decoder.push(bytes.subarray(at, at + n))) write(resultJson(r));
    at += n;
  }
  for (const r of decoder.finish()) write(resultJson(r));
}
