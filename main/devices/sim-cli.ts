/**
 * `npm run sim -- <protocol> --port /dev/pts/N [--fault F]`: a fake device on the device end of a socat PTY pair.
 * Reads commands on stdin, one a line: `good`, `fault checksum|truncated|garbage|silence|status`, `measure
 * [SYS/DIA PULSE]`, `card on`, `card off`, `quit`. Prints `ready` once the port is open.
 * `npm run sim -- <protocol> replay --file F --port P` writes a capture with its timing (see `parseCapture`).
 */
import { createInterface } from 'node:readline';
import { serialPortFactory } from './port';
import { isProtocol, PROTOCOLS, DEFAULT_BAUD } from './protocols';
import { FAULTS, type Fault } from './sim-base';
import { createSimulator, readCapture, replay } from './simulators';
import { one, parseArgs, UsageError } from '../cli/args';

const USAGE = `usage: npm run sim -- <${PROTOCOLS.join('|')}> --port PATH [--fault ${FAULTS.join('|')}] [--interval MS]
       npm run sim -- <protocol> replay --file CAPTURE --port PATH
stdin commands: good | fault <kind> | measure [SYS/DIA PULSE] | card on | card off | quit`;

function isFault(s: string): s is Fault {
  return (FAULTS as readonly string[]).includes(s);
}

export async function simMain(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name || !isProtocol(name)) throw new UsageError(`unknown simulator ${name ?? '(none)'}`);
    const isReplay = rest[0] === 'replay';
    const args = parseArgs(isReplay ? rest.slice(1) : rest, { values: ['port', 'fault', 'interval', 'file', 'baud'] });
    const path = one(args, 'port', true);
    const baud = Number(one(args, 'baud') ?? DEFAULT_BAUD[name]);
    const port = await serialPortFactory()(path, baud);
    const closed = new Promise<void>((resolve) => port.onClose(() => resolve()));
    if (isReplay) {
      const steps = readCapture(one(args, 'file', true));
      console.log('ready');
      await replay(port, steps);
      await port.close();
      return 0;
    }
    const sim = createSimulator(name);
    const fault = one(args, 'fault');
    if (fault !== undefined) {
      if (!isFault(fault)) throw new UsageError(`--fault expects ${FAULTS.join('|')}`);
      sim.fault = fault;
    }
    sim.attach(port);
    const interval = one(args, 'interval');
    const timer = interval ? setInterval(() => sim.command('measure'), Number(interval)) : null;
    console.log('ready');
    const rl = createInterface({ input: process.stdin });
    const quit = new Promise<void>((resolve) => {
      rl.on('line', (line) => {
        const cmd = line.trim();
        if (cmd === 'quit') return resolve();
        if (cmd === 'good') sim.fault = null;
        else if (cmd.startsWith('fault ') && isFault(cmd.slice(6))) sim.fault = cmd.slice(6) as Fault;
        else if (!sim.command(cmd)) {
          console.error(`unknown command: ${cmd}`);
          return;
        }
        console.log(`ok ${cmd}`);
      });
      rl.on('close', () => resolve());
    });
    await Promise.race([quit, closed]);
    if (timer) clearInterval(timer);
    rl.close();
    await port.close();
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`sim: ${e.message}\n${USAGE}`);
      return 2;
    }
    console.error(`sim: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

const isEntry = process.argv[1] && /sim-cli\.(ts|js|cjs)$/.test(process.argv[1]);
if (isEntry) {
  simMain(process.argv.slice(2)).then(
    (code) => process.exit(code),
    () => process.exit(1),
  );
}
