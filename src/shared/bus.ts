/**
 * A small typed in-process event bus. Capabilities talk through events (DESIGN.md §2): ingest emits ReadingsStored and
 * ReportFiled, watch emits AlertRaised and AlertCleared, cases emit CaseChanged. Handlers run in order of subscription;
 * an async handler is awaited, so `emit` resolves once every subscriber has seen the event.
 */
export type Handler<E> = (event: E) => void | Promise<void>;

export class EventBus<Events extends Record<string, unknown>> {
  readonly #handlers = new Map<keyof Events, Handler<never>[]>();

  on<K extends keyof Events>(type: K, handler: Handler<Events[K]>): () => void {
    const list = this.#handlers.get(type) ?? [];
    list.push(handler as Handler<never>);
    this.#handlers.set(type, list);
    return () => {
      const i = list.indexOf(handler as Handler<never>);
      if (i >= 0) list.splice(i, 1);
    };
  }

  async emit<K extends keyof Events>(type: K, event: Events[K]): Promise<void> {
    const list = this.#handlers.get(type);
    if (!list) return;
    for (const h of [...list]) await (h as Handler<Events[K]>)(event);
  }
}
