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
