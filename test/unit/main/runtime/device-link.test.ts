// Serial I/O across the runtime link (main/runtime/device-link.ts): the runtime's RemoteDeviceIo and the UI side's
// DevicePortHost joined in memory, every message structured-cloned as postMessage would, the UI side owning a real
// SerialPortMock with a simulator on its far end.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceIo } from '../../../../main/devices';
import { LineSim } from '../../../../main/devices/line/sim';
import { DevicePortHost, RemoteDeviceIo } from '../../../../main/runtime/device-link';
import { isFromRuntime, isToRuntime, type FromRuntime, type ToRuntime } from '../../../../main/runtime/protocol';
import { openMockPair, resetMockPorts } from '../../../helpers/mock-device';

afterEach(() => resetMockPorts());

function joined(io: DeviceIo) {
  const sent: FromRuntime[] = [];
  let remote: RemoteDeviceIo | null = null;
  const host = new DevicePortHost(io, (m: ToRuntime) => {
    const copy = structuredClone(m);
    expect(isToRuntime(copy)).toBe(true);
    setImmediate(() => remote?.receive(copy as Extract<ToRuntime, { kind: 'portResult' | 'portData' | 'portClosed' }>));
  });
  remote = new RemoteDeviceIo((m) => {
    const copy = structuredClone(m);
    expect(isFromRuntime(copy)).toBe(true);
    sent.push(copy);
    if (copy.kind === 'port') setImmediate(() => host.handle(copy.id, copy.request));
  });
  return { remote, host, sent };
}

function simIo(sim: LineSim) {
  let unplug: (() => void) | null = null;
  const writes: Uint8Array[][] = [];
  const io: DeviceIo = {
    openPort: async (path) => {
      if (path !== '/dev/ttyUSB0') throw new Error(`Port does not exist: ${path}`);
      const pair = await openMockPair(sim);
      unplug = pair.unplug;
      writes.push(pair.writes);
      return pair.app;
    },
    listPorts: async () => [{ path: '/dev/ttyUSB0', manufacturer: 'Prolific', vendorId: '067b', productId: '2303', serialNumber: null }],
  };
  return { io, unplug: () => unplug?.(), writes };
}

describe('serial ports across the runtime link', () => {
  it('lists, opens, reads and writes through the UI side; bytes arrive unchanged', async () => {
    const sim = new LineSim();
    const { io, writes } = simIo(sim);
    const { remote } = joined(io);
    expect(await remote.listPorts()).toEqual([{ path: '/dev/ttyUSB0', manufacturer: 'Prolific', vendorId: '067b', productId: '2303', serialNumber: null }]);
    const port = await remote.openPort('/dev/ttyUSB0', 9600);
    expect(port.isOpen).toBe(true);
    const got: number[] = [];
    port.onData((chunk) => got.push(...chunk));
    sim.measure(146, 92, 78);
    await expect.poll(() => Buffer.from(got).toString('latin1')).toMatch(/,146,092,078,0\r\n$/);
    await port.write(Uint8Array.of(0x00, 0xff, 0x10));
    expect(writes[0]?.map((w) => [...w])).toEqual([[0x00, 0xff, 0x10]]);
  });

  it('an open that fails rejects with the UI side error message, and no port is left', async () => {
    const { remote } = joined(simIo(new LineSim()).io);
    await expect(remote.openPort('/dev/ttyNOPE', 9600)).rejects.toThrow('Port does not exist: /dev/ttyNOPE');
  });

  it('a pulled cable reaches the runtime as one close with its error; writes after it are refused', async () => {
    const s = simIo(new LineSim());
    const { remote } = joined(s.io);
    const port = await remote.openPort('/dev/ttyUSB0', 9600);
    const closes: (Error | null)[] = [];
    port.onClose((e) => closes.push(e));
    s.unplug();
    await expect.poll(() => closes.length).toBe(1);
    expect(closes[0]?.message).toMatch(/disconnected/);
    expect(port.isOpen).toBe(false);
    await expect(port.write(Uint8Array.of(1))).rejects.toThrow('port is closed');
  });

  it('closing from the runtime closes the real port, reported once as a clean close', async () => {
    const { remote, host } = joined(simIo(new LineSim()).io);
    const port = await remote.openPort('/dev/ttyUSB0', 9600);
    const closes: (Error | null)[] = [];
    port.onClose((e) => closes.push(e));
    await port.close();
    await expect.poll(() => closes).toEqual([null]);
    await host.closeAll();
    expect(closes).toEqual([null]);
  });

  it('the UI side closes every port when the runtime goes', async () => {
    const { remote, host } = joined(simIo(new LineSim()).io);
    const port = await remote.openPort('/dev/ttyUSB0', 9600);
    const closes: (Error | null)[] = [];
    port.onClose((e) => closes.push(e));
    await host.closeAll();
    await expect.poll(() => closes).toEqual([null]);
  });
});
