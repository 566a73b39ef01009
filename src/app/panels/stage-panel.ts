// What every stage panel shares: the `data` it shows (null until its stage has run), the shared styles, and
// `filled`, reflected as an attribute for tests and screenshots: the panel has data to show.
import { LitElement, type CSSResultGroup } from 'lit';
import { panelStyles } from './panel-styles.ts';

export abstract class StagePanel<T> extends LitElement {
  static override properties = { data: { attribute: false }, filled: { type: Boolean, reflect: true } };
  static override styles: CSSResultGroup = panelStyles;
  declare data: T | null;
  declare filled: boolean;

  constructor() {
    super();
    this.data = null;
    this.filled = false;
  }

  /** whether `data` holds anything to show */
  protected abstract hasData(data: T): boolean;

  override willUpdate(_changed: Map<string, unknown>): void {
    this.filled = this.data !== null && this.hasData(this.data);
  }
}
