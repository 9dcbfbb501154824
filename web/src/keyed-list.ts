/** A DOM list of keyed items kept in descending order of a sort key (newest first). */
export interface KeyedList {
  /** Inserts or replaces the item for `key`; `flash` plays the arrival animation. */
  upsert(key: string, sortKey: number, el: HTMLElement, flash?: boolean): void;
  remove(key: string): void;
  clear(): void;
  has(key: string): boolean;
  readonly size: number;
}

/** Wraps an `<ol>`; `onSize` hears the item count after every change (for counts and empty notes). */
export function keyedList(list: HTMLElement, onSize: (n: number) => void): KeyedList {
  const items = new Map<string, { sortKey: number; el: HTMLElement }>();
  const changed = (): void => onSize(items.size);
  return {
    upsert(key, sortKey, el, flash = false) {
      const old = items.get(key);
      if (old && old.sortKey === sortKey) {
        old.el.replaceWith(el);
      } else {
        old?.el.remove();
        items.delete(key);
        let before: HTMLElement | null = null;
        for (const item of items.values()) {
          if (item.sortKey < sortKey && (!before || Number(before.dataset.sort) < item.sortKey)) before = item.el;
        }
        list.insertBefore(el, before);
      }
      el.dataset.sort = String(sortKey);
      if (flash) el.classList.add('flash');
      items.set(key, { sortKey, el });
      changed();
    },
    remove(key) {
      items.get(key)?.el.remove();
      items.delete(key);
      changed();
    },
    clear() {
      for (const item of items.values()) item.el.remove();
      items.clear();
      changed();
    },
    has: (key) => items.has(key),
    get size() {
      return items.size;
    },
  };
}

/** Creates an element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
