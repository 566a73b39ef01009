// Multiple-choice answers: the letter an answer picks ("B", "(B)", "\text{(B)}", "Option B", "(B) 12").

/** The letter a multiple-choice answer picks, A-J, or null: "B", "(B)", "(b)", "B)", "B. 12", "(B) 12", "Option B". */
export function pickedLetter(answer: string): string | null {
  const m = /^\s*(?:\\text\{\s*)?(?:(?:[Oo]ption|[Cc]hoice)\s*)?(?:\(([A-Ja-j])\)|([A-J])\)?)(?:\s*\})?(?:[\s.:].*)?$/s.exec(answer);
  return m ? (m[1] ?? m[2]).toUpperCase() : null;
}

/** The text of the option an answer picks, given the options' texts in order (A first); null when none. */
export function choiceText(answer: string, choices: readonly string[]): string | null {
  const letter = pickedLetter(answer);
  if (letter === null) return null;
  const index = letter.charCodeAt(0) - 65;
  return index < choices.length ? choices[index] : null;
}

const LETTER = /(?<![A-Za-z\\])\(?([A-E])\)?(?![A-Za-z])/g;

/**
 * The option letter a whole response picks when its extracted answer is not a letter: the first letter after
 * the answer phrase ("The answer is for sure D, it can't be A or B"), a letter that opens the response
 * ("D. it can't be A", "B。不是 A"), else the last letter standing alone ("... therefore I think it's B").
 */
export function letterInResponse(response: string, phraseText: string | null): string | null {
  if (phraseText !== null) {
    LETTER.lastIndex = 0;
    const m = LETTER.exec(phraseText);
    if (m) return m[1];
  }
  const opening = /^\s*\(?([A-E])(?:\)|[.:。,，\s]|[^\x00-\x7F]|$)/.exec(response);
  if (opening) return opening[1];
  let last: string | null = null;
  LETTER.lastIndex = 0;
  for (let m = LETTER.exec(response); m; m = LETTER.exec(response)) last = m[1];
  return last;
}

/** The letter of a gold answer that names an option: "B", "(B)", "(D) Alina", "C Cecile"; null otherwise. */
export function goldLetter(gold: string): string | null {
  const m = /^\s*(?:\(([A-E])\)|([A-E])(?:[).:]|\s+(?=[A-Z])|\s*$))/.exec(gold);
  return m ? (m[1] ?? m[2]) : null;
}
