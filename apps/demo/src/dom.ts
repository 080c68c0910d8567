// Tiny DOM helpers: the page is plain TypeScript + DOM.

/** The element with this id (throws when the page lacks it: a bug in index.html). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el as T;
}

/** A new element with attributes/properties and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string | number | boolean>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'text') el.textContent = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  el.append(...children);
  return el;
}

/** A token's text with whitespace made visible: space → ·, newline → ↵, tab → →. */
export function visible(text: string): string {
  return text.replace(/ /g, '·').replace(/\n/g, '↵').replace(/\t/g, '→');
}

/** A pastel colour for the i-th token (golden-angle hue steps keep neighbours apart). */
export function tokenColour(i: number): string {
  return `hsl(${(i * 137.508) % 360} 70% 86%)`;
}

/** Diverging colour for v in [-1, 1]: blue (−) → white (0) → red (+), as [r, g, b]. */
export function diverging(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, v));
  const a = Math.abs(t);
  return t < 0
    ? [Math.round(255 - 200 * a), Math.round(255 - 140 * a), 255]
    : [255, Math.round(255 - 170 * a), Math.round(255 - 200 * a)];
}

/** Sequential colour for w in [0, 1]: white → deep blue, as a CSS colour. */
export function sequential(w: number): string {
  const t = Math.max(0, Math.min(1, w));
  return `rgb(${Math.round(255 - 222 * t)} ${Math.round(255 - 170 * t)} ${Math.round(255 - 55 * t)})`;
}

/** Fixed-point number, with a minus sign that lines up. */
export function fixed(x: number, digits = 3): string {
  return x.toFixed(digits).replace('-', '−');
}
