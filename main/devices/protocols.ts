/** The protocol names shared by `cunyi device decode`, `npm run sim` and the saved device bindings. */
import type { Decoder, Direction } from './frame-types';
import * as idcard from './idcard/frame';
import * as onetouch from './onetouch/frame';
import * as ultraeasy from './ultraeasy/frame';
import * as freestyle from './freestyle/frame';
import * as beurer from './beurer/frame';
import * as ieee11073 from './ieee11073/frame';
import * as line from './line/frame';

import { DEVICE_PROTOCOLS } from '../../shared/api/devices';

export const PROTOCOLS = DEVICE_PROTOCOLS;
export type Protocol = (typeof PROTOCOLS)[number];

export function isProtocol(s: string): s is Protocol {
  return (PROTOCOLS as readonly string[]).includes(s);
}

/** Link speeds from the protocol references (PTYs ignore them; real bridges do not). */
export const DEFAULT_BAUD: Readonly<Record<Protocol, number>> = {
  idcard: 115200,
  onetouch: 9600,
  ultraeasy: 9600,
  freestyle: 19200,
  beurer: 4800,
  ieee11073: 115200,
  line: 9600,
};

export function createProtocolDecoder(protocol: Protocol, from: Direction, profile?: line.LineProfile): Decoder<unknown> {
  switch (protocol) {
    case 'idcard':
      return idcard.createDecoder(from);
    case 'onetouch':
      return onetouch.createDecoder(from);
    case 'ultraeasy':
      return ultraeasy.createDecoder(from);
    case 'freestyle':
      return freestyle.createDecoder(from);
    case 'beurer':
      return beurer.createDecoder(from);
    case 'ieee11073':
      return ieee11073.createDecoder(from);
    case 'line':
      return line.createDecoder(profile);
  }
}
