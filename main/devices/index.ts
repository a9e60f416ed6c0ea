/** What the services need from `main/devices`: the manager, its default port factory and lister. */
import { SerialPort } from 'serialport';
import type { PortInfo } from '../../shared/api/devices';
import { serialPortFactory, type PortFactory } from './port';

export { DeviceManager, type DeviceManagerDeps, type BindingStore } from './manager';
export { settingsBindingStore } from './binding-store';
export type { PortFactory } from './port';

/** The fields of `SerialPort.list()` we use (its type comes from a package whose typings do not resolve here). */
interface ListedPort {
  path: string;
  manufacturer?: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
}

export interface DeviceIo {
  openPort: PortFactory;
  listPorts: () => Promise<PortInfo[]>;
}

/** Real serial ports. `SerialPort.list()` rejects where udevadm is missing; the manager turns that into "enter a path". */
export const serialDeviceIo: DeviceIo = {
  openPort: serialPortFactory(),
  listPorts: async () =>
    ((await SerialPort.list()) as ListedPort[]).map((p) => ({
      path: p.path,
      manufacturer: p.manufacturer ?? null,
      vendorId: p.vendorId ?? null,
      productId: p.productId ?? null,
      serialNumber: p.serialNumber ?? null,
    })),
};

/**
 * Where this process opens no port (the CLI; a runtime whose UI side offers no ports): a binding saved there says
 * so in its status instead of opening the real serialport off the main thread (main/runtime/device-link.ts).
 */
export const noDeviceIo: DeviceIo = {
  openPort: () => Promise.reject(new Error('no serial ports in this process')),
  listPorts: () => Promise.reject(new Error('no serial ports in this process')),
};
