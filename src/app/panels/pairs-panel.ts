// <pairs-panel>: this iteration's preference pairs, chosen beside rejected, with verdicts and extracted answers.
import { css, html } from 'lit';
import type { PairsData } from '../panel-data.ts';
import { percent } from '../charts/specs.ts';
import { explanation } from '../explanations.ts';
import { panelStyles } from './panel-styles.ts';
import { StagePanel } from './stage-panel.ts';
import '../math-text.ts';
import './judged-answer.ts';

const PAGE = 3;

export class PairsPanel extends StagePanel<PairsData> {
  static override properties = { ...StagePanel.properties, shown: { state: true } };
  declare shown: number;

  constructor() {
    super();
    this.shown = PAGE;
  }

  protected hasData(data: PairsData): boolean {
    return data.pairs.length > 0;
  }

  static override styles = [panelStyles, css`
    .pair { border-top: 1px solid #ccc; padding: 0.6rem 0; }
    .question { margin: 0 0 0.4rem; }
    .side { display: grid; grid-template-columns: 1fr 1fr; gap: 0.8rem; }
    @media (max-width: 40rem) { .side { grid-template-columns: 1fr; } }
  `];

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('data')) this.shown = PAGE;
    super.willUpdate(changed);
  }

  override render() {
    const d = this.data;
    return html`
      <h2>Pairs</h2>
      <p class="explain">${explanation('pairs')}</p>
      ${!d ? html`<p class="empty">Waiting for pair generation.</p>` : html`
        <p class="caption stat">${d.pairs.length} pairs from ${d.sampled} sampled problems: pair yield ${percent(d.sampled > 0 ? d.pairs.length / d.sampled : 0)}</p>
        ${d.pairs.length === 0 ? html`<p class="empty">No problem gave both a right and a wrong answer this iteration, so training is skipped.</p>` : ''}
        ${d.pairs.slice(0, this.shown).map((p) => html`
          <article class="pair" aria-label=${`pair for problem ${p.problemId}`}>
            <p class="question"><strong>Problem:</strong> <math-text .text=${p.question}></math-text>
              <br /><strong>Gold answer:</strong> <math-text formula .text=${p.gold}></math-text></p>
            <div class="side">
              <judged-answer heading="Chosen" .answer=${p.chosen}></judged-answer>
              <judged-answer heading="Rejected" .answer=${p.rejected}></judged-answer>
            </div>
          </article>`)}
        ${d.pairs.length > this.shown ? html`<button @click=${() => (this.shown += PAGE)}>Show ${Math.min(PAGE, d.pairs.length - this.shown)} more of ${d.pairs.length - this.shown}</button>` : ''}
      `}
    `;
  }
}

customElements.define('pairs-panel', PairsPanel);
declare global {
  interface HTMLElementTagNameMap { 'pairs-panel': PairsPanel }
}
