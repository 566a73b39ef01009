// KaTeX and its style sheet, loaded on demand by <math-text> (kept out of the first paint).
// The style sheet goes to the document once (so its @font-face rules apply: fonts declared inside a shadow root
// are ignored) and is also handed to each shadow root that shows math (class rules do not cross shadow roots).
import katex from 'katex';
import katexCss from 'katex/dist/katex.min.css?inline';

let sheet: CSSStyleSheet | null = null;

export function katexSheet(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(katexCss);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }
  return sheet;
}

/** HTML for `tex`; a malformed formula shows as its source in red rather than throwing. */
export function renderTex(tex: string, displayMode = false): string {
  return katex.renderToString(tex, { throwOnError: false, displayMode, output: 'htmlAndMathml', strict: 'ignore' });
}
