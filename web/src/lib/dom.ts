/** A few DOM helpers: elements built from data, never from HTML strings. */

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | null>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = String(value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

export function clear(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
}

/** A panel's state for tests and assistive tech: loading, ready or error. */
export function setStatus(panel: HTMLElement, status: 'loading' | 'ready' | 'error'): void {
  panel.dataset.status = status;
  panel.setAttribute('aria-busy', String(status === 'loading'));
}

/** A message in place of a panel's content after a failed request. */
export function failed(el: Element, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  clear(el, h('p', { class: 'error', role: 'alert' }, `Could not load: ${message}`));
}
