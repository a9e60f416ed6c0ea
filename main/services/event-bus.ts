/**
 * Events for subscribers (the renderer through either transport). Payloads are validated against the contract's
 * event schemas before they leave, like method outputs. Events published before the renderer said `app.ready` are
 * held per subscriber by the transport, not here.
 */
import { events, type EventName, type EventPayloadOf } from '../../shared/api';

type Listener = (event: EventName, payload: unknown) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();
  private readonly last = new Map<EventName, unknown>();

  publish<E extends EventName>(event: E, payload: EventPayloadOf<E>): void {
    const parsed = events[event].parse(payload);
    this.last.set(event, parsed);
    for (const listener of this.listeners) listener(event, parsed);
  }

  /** The most recent payload of an event, so a new subscriber starts from the current state. */
  latest(event: EventName): unknown {
    return this.last.get(event);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
