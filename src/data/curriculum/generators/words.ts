// Vocabulary shared by the word-problem templates.
export const NAMES = [
  'Ava', 'Ben', 'Chloe', 'Daniel', 'Emma', 'Farid', 'Grace', 'Hiro', 'Isla', 'Jamal', 'Kenji', 'Lena', 'Mateo', 'Nadia',
  'Omar', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tara', 'Uma', 'Victor', 'Wen', 'Yusuf', 'Zoe', 'Liam', 'Mia', 'Noah', 'Sofia', 'Arjun',
] as const;

/** Countable things: [singular, plural]. */
export const ITEMS: ReadonlyArray<readonly [string, string]> = [
  ['apple', 'apples'], ['book', 'books'], ['marble', 'marbles'], ['pencil', 'pencils'], ['sticker', 'stickers'],
  ['cookie', 'cookies'], ['card', 'cards'], ['stamp', 'stamps'], ['shell', 'shells'], ['bead', 'beads'],
  ['orange', 'oranges'], ['toy car', 'toy cars'], ['balloon', 'balloons'], ['egg', 'eggs'], ['flower', 'flowers'],
];

/** Containers: [singular, plural]. */
export const CONTAINERS: ReadonlyArray<readonly [string, string]> = [
  ['box', 'boxes'], ['bag', 'bags'], ['basket', 'baskets'], ['crate', 'crates'], ['jar', 'jars'], ['tray', 'trays'],
];

export function plural(count: number, item: readonly [string, string]): string {
  return `${count} ${count === 1 ? item[0] : item[1]}`;
}
