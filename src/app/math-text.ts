// <math-text>: text with math in it (a problem, a model's answer), or one formula (an extracted answer),
// typeset by KaTeX. Shows the plain text at once and the typeset version when KaTeX has loaded.
import { LitElement, css, html } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { splitMath } from './math-segments.ts';

type KatexModule = typeof import('./katex-module.ts');
let katexModule: Promise<KatexModule> | null = null;
const loadKatex = (): Promise<KatexModule> => (katexModule ??= import('./katex-module.ts'));

export class MathText extends LitElement {
  static override properties = {
    text: {},
    formula: { type: Boolean },
    typeset: { state: true },
  };

  declare text: string;
  /** the whole text is one formula (an extracted answer), not prose with delimited math */
  declare formula: boolean;
  declare typeset: KatexModule | null;

  constructor() {
    super();
    this.text = '';
    this.formula = false;
    this.typeset = null;
  }

  static override styles = css`
    :host { white-space: pre-wrap; overflow-wrap: anywhere; }
    .katex-display { margin: 0.3em 0; overflow-x: auto; overflow-y: hidden; }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    void loadKatex().then((module) => {
      const root = this.renderRoot as ShadowRoot;
      const sheet = module.katexSheet();
      if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      this.typeset = module;
    });
  }

  override render() {
    const katex = this.typeset;
    if (!katex) return html`${this.text}`;
    if (this.formula) return html`${unsafeHTML(katex.renderTex(this.text))}`;
    return html`${splitMath(this.text).map((s) => (s.kind === 'text' ? s.text : unsafeHTML(katex.renderTex(s.tex, s.display))))}`;
  }
}

customElements.define('math-text', MathText);

declare global {
  interface HTMLElementTagNameMap {
    'math-text': MathText;
  }
}
