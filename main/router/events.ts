import { eventChannels, type EventChannel, type EventEnvelope, type EventOf } from '../../contract';

export type EventListener = (envelope: EventEnvelope) => void;

/** Services publish here; each transport forwards envelopes to its renderers. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventChannel>(event: E, payload: EventOf<E>): void {
    // Validate on the way out too: a malformed event is a bug in main, caught in tests.
    const checked = eventChannels[event].parse(payload);
    for (const listener of this.listeners) listener({ event, payload: checked });
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
