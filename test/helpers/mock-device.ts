/**
 * A simulator on the far end of `@serialport/binding-mock`: the app opens a real `SerialPortMock` (reads arrive in
 * ≤ 1024-byte pieces, as the binding does), every write it makes reaches the simulator on `setImmediate`, and the
 * simulator's writes arrive through `emitData`. `writes` keeps everything the app sent.
 */
import { SerialPortMock } from 'serialport';
import { fromStream, type DevicePort } from '../../main/devices/port';
import type { Simulator } from '../../main/devices/sim-base';

let n = 0;
/** serialport bundles its own copy of the mock binding; `SerialPortMock.binding` is the one its ports use. */
const MockBinding = SerialPortMock.binding;

export async function openMockPair(sim: Simulator, baudRate = 9600): Promise<{ app: DevicePort; writes: Uint8Array[]; unplug(): void }> {
  const path = `/dev/cunyi-mock-${process.pid}-${++n}`;
  MockBinding.createPort(path, { echo: false, record: false });
  const sp = new SerialPortMock({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => sp.open((e) => (e ? reject(e) : resolve())));
  const binding = sp.port as unknown as { write(buf: Buffer): Promise<void>; emitData(data: Buffer): void };
  const writes: Uint8Array[] = [];
  const listeners: ((b: Uint8Array) => void)[] = [];
  const original = binding.write.bind(binding);
  binding.write = async (buf: Buffer) => {
    await original(buf);
    const copy = Uint8Array.from(buf);
    writes.push(copy);
    setImmediate(() => listeners.forEach((l) => l(copy)));
  };
  let isOpen = true;
  const device: DevicePort = {
    path: `${path}-device`,
    get isOpen() {
      return isOpen && sp.isOpen;
    },
    write: (b) => {
      if (sp.isOpen) binding.emitData(Buffer.from(b));
      return Promise.resolve();
    },
    onData: (l) => {
      listeners.push(l);
      return () => undefined;
    },
    onClose: () => undefined,
    close: () => {
      isOpen = false;
      return Promise.resolve();
    },
  };
  sim.attach(device);
  return {
    app: fromStream(sp, path),
    writes,
    unplug: () => {
      isOpen = false;
      sp.destroy(Object.assign(new Error('disconnected'), { disconnected: true }));
    },
  };
}

export function resetMockPorts(): void {
  MockBinding.reset();
}
