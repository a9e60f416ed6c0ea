/**
 * The one place that opens serial ports. Drivers receive a `PortFactory`, so tests pass `SerialPortMock` (or a
 * socat PTY path) and the app passes `serialport`. A port reports its end exactly once through `onClose`, whether
 * the cable was pulled (`disconnected`), the OS said EIO, or we closed it.
 */
import { SerialPort, type SerialPortMock } from 'serialport';

export interface DevicePort {
  readonly path: string;
  write(bytes: Uint8Array): Promise<void>;
  /** Returns an unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  onClose(listener: (error: Error | null) => void): void;
  readonly isOpen: boolean;
  close(): Promise<void>;
}

export type PortFactory = (path: string, baudRate: number) => Promise<DevicePort>;

type StreamCtor = typeof SerialPort | typeof SerialPortMock;

export function serialPortFactory(Ctor: StreamCtor = SerialPort): PortFactory {
  return (path, baudRate) =>
    new Promise((resolve, reject) => {
      const port = new Ctor({ path, baudRate, autoOpen: false });
      port.open((err) => {
        if (err) {
          reject(err);
          return;
        }
        resolve(fromStream(port, path));
      });
    });
}

/** Adapts an open `SerialPort` / `SerialPortMock` stream. */
export function fromStream(port: SerialPort | SerialPortMock, path: string): DevicePort {
  let closed = false;
  let lastError: Error | null = null;
  const closeListeners: ((e: Error | null) => void)[] = [];
  port.on('error', (e: Error) => {
    lastError = e;
  });
  port.on('close', (e: (Error & { disconnected?: boolean }) | null) => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners) l(e ?? lastError);
  });
  return {
    path,
    get isOpen() {
      return !closed && port.isOpen;
    },
    write(bytes) {
      return new Promise((resolve, reject) => {
        if (closed) {
          reject(new Error('port is closed'));
          return;
        }
        port.write(Buffer.from(bytes), (err) => {
          if (err) reject(err);
          else port.drain(() => resolve());
        });
      });
    },
    onData(listener) {
      const l = (chunk: Buffer) => listener(Uint8Array.from(chunk));
      port.on('data', l);
      return () => port.off('data', l);
    },
    onClose(listener) {
      closeListeners.push(listener);
    },
    close() {
      return new Promise((resolve) => {
        if (closed || !port.isOpen) {
          resolve();
          return;
        }
        port.close(() => resolve());
      });
    },
  };
}
