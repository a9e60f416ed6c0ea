/** Binding → session for its protocol. */
import type { DeviceBinding } from '../../shared/api/devices';
import { createBeurerSession } from './beurer/driver';
import { createFreeStyleSession } from './freestyle/driver';
import { createIdCardSession } from './idcard/driver';
import { createIeee11073Session } from './ieee11073/driver';
import { createLineSession } from './line/driver';
import { OMRON_HBP9030 } from './line/frame';
import { createOneTouchSession } from './onetouch/driver';
import type { DevicePort } from './port';
import type { DeviceSession, SessionOptions } from './session-types';
import { createUltraEasySession } from './ultraeasy/driver';

export function createProtocolSession(b: Pick<DeviceBinding, 'protocol' | 'pattern'>, port: DevicePort, opts: SessionOptions = {}): DeviceSession {
  switch (b.protocol) {
    case 'idcard':
      return createIdCardSession(port, { ...(opts.pollMs !== undefined ? { pollMs: Math.min(opts.pollMs, 1000) } : {}) });
    case 'onetouch':
      return createOneTouchSession(port);
    case 'ultraeasy':
      return createUltraEasySession(port);
    case 'freestyle':
      return createFreeStyleSession(port);
    case 'beurer':
      return createBeurerSession(port, opts);
    case 'ieee11073':
      return createIeee11073Session(port);
    case 'line':
      return createLineSession(port, b.pattern ?? OMRON_HBP9030);
  }
}
