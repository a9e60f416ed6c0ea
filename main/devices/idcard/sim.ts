/** ID card reader simulator: a SAM that finds, selects and reads one card while it lies on the reader. */
import { SimBase } from '../sim-base';
import { buildText, readReply, V2_FIELDS, type CardFields } from './card-text';
import { createDecoder, encodeReply } from './frame';

export class IdCardSim extends SimBase {
  readonly name = 'idcard';
  private readonly decoder = createDecoder('host');
  isCardPresent = true;
  card: CardFields = V2_FIELDS;
  photo = new Uint8Array(1024);

  override command(text: string): boolean {
    if (text === 'card on') this.isCardPresent = true;
    else if (text === 'card off') this.isCardPresent = false;
    else return false;
    return true;
  }

  protected onHostBytes(chunk: Uint8Array): void {
    for (const r of this.decoder.push(chunk)) {
      if (!r.ok) {
        this.send({ bytes: encodeReply(r.error === 'checksum' ? 0x10 : 0x11) });
        continue;
      }
      if (r.frame.kind !== 'command') continue;
      switch (r.frame.command) {
        case 'reset':
        case 'samStatus':
          this.send({ bytes: encodeReply(0x90), errorStatus: encodeReply(0x60) });
          break;
        case 'samId':
          this.send({ bytes: encodeReply(0x90, new Array<number>(16).fill(0x11)) });
          break;
        case 'find':
          this.send(this.isCardPresent ? { bytes: encodeReply(0x9f, [0, 0, 0, 0]), errorStatus: encodeReply(0x80) } : { bytes: encodeReply(0x80) });
          break;
        case 'select':
          this.send({ bytes: encodeReply(0x90, new Array<number>(8).fill(0)), errorStatus: encodeReply(0x81) });
          break;
        case 'read':
        case 'readWithFingerprint':
          this.send({ bytes: readReply(buildText(this.card), this.photo), errorStatus: encodeReply(0x41) });
          break;
        default:
          this.send({ bytes: encodeReply(0x21) });
      }
    }
  }
}
