// Colours the lab draws with. Categories use the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"),
// which stays distinguishable under the common colour-vision deficiencies; past eight categories the marker shape
// changes too, so no two clusters look alike. Sequential values (heat maps) use viridis, which is ordered in
// lightness and so reads in grey scale and on a washed-out projector.

export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#0072B2', '#D55E00', '#CC79A7', '#F0E442', '#000000'] as const;

/** Chart.js point styles, cycled once the eight colours are used up. */
export const POINT_STYLES = ['circle', 'triangle', 'rect', 'rectRot', 'star', 'crossRot'] as const;

export function categoryColor(index: number): string {
  return OKABE_ITO[((index % OKABE_ITO.length) + OKABE_ITO.length) % OKABE_ITO.length];
}

export function categoryShape(index: number): (typeof POINT_STYLES)[number] {
  return POINT_STYLES[Math.floor(index / OKABE_ITO.length) % POINT_STYLES.length];
}

/** #rrggbb with an alpha channel, for fills under lines and interval bands. */
export function withAlpha(hex: string, alpha: number): string {
  const a = Math.round(Math.max(0, Math.min(1, alpha)) * 255).toString(16).padStart(2, '0');
  return `${hex}${a}`;
}

/** Viridis at 9 evenly spaced stops (matplotlib's table). */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

/** The viridis colour of t in [0, 1] (clamped), interpolated between stops. */
export function viridis(t: number): string {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const from = hexToRgb(VIRIDIS[i]);
  const to = hexToRgb(VIRIDIS[i + 1]);
  const mix = from.map((c, k) => Math.round(c + (to[k] - c) * f));
  return `#${mix.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function textColorOn(hex: string): string {
  const [r, g, b] = hexToRgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.22 ? '#000000' : '#ffffff';
}

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1, 7), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
