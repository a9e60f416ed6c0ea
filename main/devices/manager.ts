/**
 * 设备管理: saved bindings → one session per port, reconnect after unplug, status per binding, readings held until
 * the doctor accepts or discards them. Runs inside the clinic services (created on unlock, stopped on lock), so it
 * moves with the runtime wherever that runs; hosts never touch a port.
 */
import { v7 as uuidv7 } from 'uuid';
import type { CardPhotoMeta, DeviceBinding, IdentityRead, DeviceReading, DeviceStatus, Measurement, PortInfo, AcceptedReading } from '../../shared/api/devices';
import { DeviceBinding as DeviceBindingSchema } from '../../shared/api/devices';
import { AppError } from '../../shared/api/errors';
import type { Clock } from '../../shared/domain/dates';
import { maskIdNumber } from '../../shared/domain/id-number';
import { toHex } from './frame-types';
import { isPatientGlucose, type GlucoseRecord } from './glucose-record';
import { DeviceError } from './link';
import type { PortFactory } from './port';
import { createProtocolSession } from './sessions';
import { pause, type SessionEvent } from './session-types';

export interface BindingStore {
  list(): Promise<DeviceBinding[]>;
  put(b: DeviceBinding): Promise<void>;
  remove(id: string): Promise<boolean>;
}

export interface DeviceManagerDeps {
  store: BindingStore;
  openPort: PortFactory;
  /** Rejects where discovery is unavailable (Linux without udevadm: `spawn udevadm ENOENT`). */
  listPorts: () => Promise<PortInfo[]>;
  clock: Clock;
  onStatus(devices: DeviceStatus[]): void;
  onReading(r: DeviceReading): void;
  onIdentity(r: IdentityRead): void;
  /** The clinic's 保存身份证照片 setting, read at each card read; without it photos are never kept. */
  isCardPhotoStored?: () => Promise<boolean>;
  log?: (message: string) => void;
  reconnectMs?: number;
  pollMs?: number;
}

const MAX_PENDING = 200;
const MAX_PHOTOS = 20;

/** A card photo held in memory until the doctor's record takes it: the bytes never leave the runtime otherwise. */
export interface HeldPhoto {
  meta: CardPhotoMeta;
  bytes: Uint8Array;
  idNumber: string;
  deviceLabel: string;
}
/** Accepted readings remembered for the provenance check: more than a day's forms hold. */
const MAX_ACCEPTED = 500;

export class DeviceManager {
  private readonly running = new Map<string, { ctl: AbortController; done: Promise<void> }>();
  private readonly statuses = new Map<string, DeviceStatus>();
  private readonly pending = new Map<string, DeviceReading>();
  private readonly accepted = new Map<string, AcceptedReading>();
  /** Card photos held for `devices.storeCardPhoto` (only while the clinic stores photos); this session only. */
  private readonly photos = new Map<string, HeldPhoto>();
  /** Glucose rows already offered: meter serial + time + value (devices/README.md de-duplication). */
  private readonly seenGlucose = new Set<string>();
  private readonly seenStamped = new Set<string>();
  private readonly pathsInUse = new Map<string, string>();
  private isStopped = false;

  constructor(private readonly deps: DeviceManagerDeps) {}

  async start(): Promise<void> {
    for (const b of await this.deps.store.list()) this.launch(b);
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    const all = [...this.running.values()];
    for (const r of all) r.ctl.abort();
    await Promise.all(all.map((r) => r.done));
    this.running.clear();
  }

  async listPorts(): Promise<{ isDiscoveryAvailable: boolean; ports: PortInfo[] }> {
    try {
      return { isDiscoveryAvailable: true, ports: await this.deps.listPorts() };
    } catch {
      return { isDiscoveryAvailable: false, ports: [] };
    }
  }

  bindings(): Promise<DeviceBinding[]> {
    return this.deps.store.list();
  }

  async saveBinding(input: Omit<DeviceBinding, 'id' | 'updatedAt'> & { id?: string | undefined }): Promise<DeviceBinding> {
    const existing = await this.deps.store.list();
    if (input.id && !existing.some((b) => b.id === input.id)) throw new AppError('NOT_FOUND', { id: input.id });
    const binding = DeviceBindingSchema.parse({ ...input, id: input.id ?? uuidv7(), updatedAt: this.deps.clock.now() });
    await this.deps.store.put(binding);
    await this.halt(binding.id);
    this.launch(binding);
    return binding;
  }

  async removeBinding(id: string): Promise<void> {
    if (!(await this.deps.store.remove(id))) throw new AppError('NOT_FOUND', { id });
    await this.halt(id);
    this.statuses.delete(id);
    this.publishStatus();
  }

  status(): DeviceStatus[] {
    return [...this.statuses.values()];
  }

  readings(): DeviceReading[] {
    return [...this.pending.values()].sort((a, b) => b.receivedAt - a.receivedAt);
  }

  accept(readingId: string, userId: string): AcceptedReading {
    const r = this.pending.get(readingId);
    if (!r) throw new AppError('NOT_FOUND', { readingId });
    this.pending.delete(readingId);
    const accepted: AcceptedReading = {
      measurement: r.measurement,
      provenance: { source: 'device', readingId, bindingId: r.bindingId, deviceLabel: r.deviceLabel, protocol: r.protocol, measuredAt: r.measuredAt, receivedAt: r.receivedAt, acceptedAt: this.deps.clock.now(), acceptedBy: userId, rawHex: r.rawHex },
    };
    // Remembered for this session only (the manager is dropped on lock), so a save can prove its device values.
    this.accepted.set(readingId, accepted);
    if (this.accepted.size > MAX_ACCEPTED) this.accepted.delete(this.accepted.keys().next().value as string);
    return accepted;
  }

  /** A reading accepted in this session (services check `deviceSources` against it). */
  acceptedReading(readingId: string): AcceptedReading | undefined {
    return this.accepted.get(readingId);
  }

  /** A reading still waiting, without taking it (a glucometer download is checked before it is stored). */
  pendingReading(readingId: string): DeviceReading | undefined {
    return this.pending.get(readingId);
  }

  discard(readingId: string): void {
    if (!this.pending.delete(readingId)) throw new AppError('NOT_FOUND', { readingId });
  }

  private async halt(id: string): Promise<void> {
    const r = this.running.get(id);
    if (!r) return;
    r.ctl.abort();
    await r.done;
    this.running.delete(id);
  }

  private setStatus(b: DeviceBinding, patch: Partial<DeviceStatus>): void {
    const prev = this.statuses.get(b.id);
    const next: DeviceStatus = {
      bindingId: b.id,
      label: b.label,
      protocol: b.protocol,
      path: prev?.path ?? null,
      state: prev?.state ?? 'connecting',
      problem: prev?.problem ?? null,
      ...patch,
      updatedAt: this.deps.clock.now(),
    };
    this.statuses.set(b.id, next);
    this.publishStatus();
  }

  private publishStatus(): void {
    if (!this.isStopped) this.deps.onStatus(this.status());
  }

  private problem(b: DeviceBinding, kind: string, message: string): void {
    this.setStatus(b, { problem: { kind, message, at: this.deps.clock.now() } });
  }

  private launch(b: DeviceBinding): void {
    if (this.isStopped) return;
    if (!b.isEnabled) {
      this.setStatus(b, { state: 'disabled', path: null });
      return;
    }
    const ctl = new AbortController();
    const done = this.loop(b, ctl.signal).catch((e: unknown) => {
      // The loop catches per attempt; reaching here is a bug, reported as status rather than a crash.
      this.problem(b, 'internal', e instanceof Error ? e.message : String(e));
    });
    this.running.set(b.id, { ctl, done });
  }

  private async resolvePath(b: DeviceBinding): Promise<string | null> {
    if (b.match.kind === 'path') return b.match.path;
    const { vendorId, productId, serialNumber } = b.match;
    const { ports } = await this.listPorts();
    const hit = ports.find((p) => p.vendorId?.toLowerCase() === vendorId.toLowerCase() && p.productId?.toLowerCase() === productId.toLowerCase() && (!serialNumber || p.serialNumber === serialNumber));
    return hit?.path ?? null;
  }

  private async loop(b: DeviceBinding, signal: AbortSignal): Promise<void> {
    const reconnectMs = this.deps.reconnectMs ?? 2000;
    while (!signal.aborted) {
      this.setStatus(b, { state: 'connecting' });
      const path = await this.resolvePath(b);
      if (path === null) {
        this.setStatus(b, { state: 'retrying', path: null, problem: { kind: 'not-found', message: 'no port matches this binding', at: this.deps.clock.now() } });
      } else if (this.pathsInUse.has(path) && this.pathsInUse.get(path) !== b.id) {
        this.setStatus(b, { state: 'retrying', path, problem: { kind: 'port-in-use', message: 'another binding uses this port', at: this.deps.clock.now() } });
      } else {
        this.pathsInUse.set(path, b.id);
        try {
          const port = await this.deps.openPort(path, b.baudRate);
          this.setStatus(b, { state: 'connected', path, problem: null });
          const session = createProtocolSession(b, port, { pollMs: this.deps.pollMs });
          await session.run((e) => this.onEvent(b, e), signal);
        } catch (e) {
          const kind = e instanceof DeviceError ? e.kind : 'open-failed';
          this.setStatus(b, { state: 'retrying', path, problem: { kind, message: e instanceof Error ? e.message : String(e), at: this.deps.clock.now() } });
        } finally {
          this.pathsInUse.delete(path);
        }
      }
      if (!(await pause(reconnectMs, signal))) break;
    }
    this.setStatus(b, { state: 'stopped' });
  }

  private offer(b: DeviceBinding, measurement: Measurement, measuredAt: string | null, raw: Uint8Array, extra: { meterSerial?: string; flags?: string[]; meal?: GlucoseRecord['meal'] } = {}): void {
    // Meters that are read again (Beurer memory) send the same stamped records: offer each once.
    if (measuredAt !== null) {
      const key = `${b.id}|${measuredAt}|${JSON.stringify(measurement)}`;
      if (this.seenStamped.has(key)) return;
      this.seenStamped.add(key);
    }
    const reading: DeviceReading = {
      id: uuidv7(),
      bindingId: b.id,
      deviceLabel: b.label,
      protocol: b.protocol,
      measurement,
      measuredAt,
      receivedAt: this.deps.clock.now(),
      meterSerial: extra.meterSerial ?? null,
      flags: extra.flags ?? [],
      meal: extra.meal ?? null,
      rawHex: toHex(raw),
    };
    this.pending.set(reading.id, reading);
    if (this.pending.size > MAX_PENDING) {
      const oldest = this.readings().at(-1);
      if (oldest) this.pending.delete(oldest.id);
    }
    this.deps.onReading(reading);
  }

  private onEvent(b: DeviceBinding, e: SessionEvent): void {
    switch (e.type) {
      case 'identity':
        this.deps.log?.(`device ${b.label}: card read ${maskIdNumber(e.identity.idNumber)}`);
        this.setStatus(b, { problem: null });
        void this.identity(b, e.identity, e.photo).catch((err: unknown) => this.problem(b, 'internal', err instanceof Error ? err.message : String(err)));
        return;
      case 'measurement':
        this.setStatus(b, { problem: null });
        this.offer(b, e.measurement, e.measuredAt, e.raw);
        return;
      case 'memory':
        this.setStatus(b, { problem: null });
        for (const r of e.records) this.offerGlucose(b, e.serial, r, e.raw);
        return;
      case 'problem':
        this.problem(b, e.kind, e.message);
        return;
    }
  }

  /** With the setting off the photo bytes go nowhere: not held, not in the event, not in a log. */
  private async identity(b: DeviceBinding, identity: IdentityRead['identity'], photo: Uint8Array): Promise<void> {
    const receivedAt = this.deps.clock.now();
    let meta: CardPhotoMeta | null = null;
    if (photo.length > 0 && (await this.deps.isCardPhotoStored?.()) === true) {
      meta = { photoId: uuidv7(), format: 'wlt', length: photo.length, readAt: receivedAt };
      this.photos.set(meta.photoId, { meta, bytes: Uint8Array.from(photo), idNumber: identity.idNumber, deviceLabel: b.label });
      if (this.photos.size > MAX_PHOTOS) this.photos.delete(this.photos.keys().next().value as string);
    }
    this.deps.onIdentity({ bindingId: b.id, deviceLabel: b.label, receivedAt, identity, photo: meta });
  }

  /** A held card photo (still held: a refused store keeps it). */
  heldPhoto(photoId: string): HeldPhoto | undefined {
    return this.photos.get(photoId);
  }

  /** Forgets a held photo once it is stored. */
  releasePhoto(photoId: string): void {
    this.photos.delete(photoId);
  }

  /** Drops every held photo (the clinic turned the setting off). */
  dropPhotos(): void {
    this.photos.clear();
  }

  private offerGlucose(b: DeviceBinding, serial: string, r: GlucoseRecord, raw: Uint8Array): void {
    const key = `${serial}|${r.at}|${r.mgdl ?? 'HI'}|${r.flags.join(',')}`;
    if (this.seenGlucose.has(key)) return;
    this.seenGlucose.add(key);
    this.offer(b, { kind: 'glucose', mgdl: r.mgdl, isFlagged: !isPatientGlucose(r) }, r.at, raw, { meterSerial: serial, flags: r.flags, meal: r.meal });
  }
}
