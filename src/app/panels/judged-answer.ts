// <judged-answer>: one model answer with the verifier's verdict (a word and a symbol, never colour alone)
// and the final answer it extracted, typeset.
import { LitElement, css, html } from 'lit';
import type { JudgedAnswer } from '../panel-data.ts';
import '../math-text.ts';

export class JudgedAnswerView extends LitElement {
  static override properties = { answer: { attribute: false }, heading: {} };
  declare answer: JudgedAnswer | null;
  declare heading: string;

  constructor() {
    super();
    this.answer = null;
    this.heading = '';
  }

  static override styles = css`
    :host { display: block; border: 2px solid #999; border-radius: 6px; padding: 0.5rem 0.7rem; min-width: 0; }
    :host([verdict='right']) { border-color: #009E73; }
    :host([verdict='wrong']) { border-color: #D55E00; border-style: dashed; }
    .head { display: flex; justify-content: space-between; gap: 0.5rem; font-weight: 600; }
    .verdict { font-weight: 700; }
    .right { color: #005a3c; }
    .wrong { color: #a33b00; }
    .text { display: block; margin: 0.4rem 0; font: 0.95rem/1.45 ui-monospace, monospace; max-height: 14rem; overflow: auto; }
    .extracted { font-size: 0.95rem; }
  `;

  override updated(): void {
    if (this.answer) this.setAttribute('verdict', this.answer.correct ? 'right' : 'wrong');
  }

  override render() {
    const a = this.answer;
    if (!a) return html``;
    return html`
      <div class="head"><span>${this.heading}</span>
        <span class="verdict ${a.correct ? 'right' : 'wrong'}">${a.correct ? '✓ right' : '✗ wrong'}</span></div>
      <math-text class="text" .text=${a.text}></math-text>
      <div class="extracted">extracted answer: ${a.extracted === null ? html`<em>none found</em>` : html`<math-text formula .text=${a.extracted}></math-text>`}</div>
    `;
  }
}

customElements.define('judged-answer', JudgedAnswerView);
declare global {
  interface HTMLElementTagNameMap { 'judged-answer': JudgedAnswerView }
}
