// Styles every stage panel shares: a heading, the plain-language explanation, an empty state, the figures.
import { css } from 'lit';

export const panelStyles = css`
  :host { display: block; border: 1px solid #bbb; border-radius: 8px; padding: 0.8rem 1rem 1rem; background: #fff;
    font-size: 1rem; line-height: 1.5; color: #111; break-inside: avoid; }
  h2 { font-size: 1.25rem; margin: 0 0 0.3rem; }
  h3 { font-size: 1rem; margin: 0.8rem 0 0.3rem; }
  p.explain { margin: 0 0 0.8rem; color: #222; max-width: 60rem; }
  .empty { color: #555; font-style: italic; padding: 1rem 0; }
  .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
  .figure { min-width: 0; }
  .caption { font-size: 0.9rem; color: #333; margin: 0.2rem 0; }
  .stat { font-variant-numeric: tabular-nums; }
  .ok { color: #005a3c; }
  .bad { color: #a33b00; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { border-bottom: 1px solid #ddd; padding: 0.2rem 0.6rem; text-align: left; }
  button { font: inherit; padding: 0.3rem 0.9rem; }
  button:focus-visible, summary:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
`;
