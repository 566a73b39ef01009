// Extraction of the final answer from model responses, and verify() on whole responses.
import { describe, expect, it } from 'vitest';
import { extractAnswer, lastBoxedContent, verify } from '../../src/verify/index.ts';

describe('lastBoxedContent', () => {
  it.each([
    ['\\boxed{5}', '5'],
    ['first \\boxed{1} then \\boxed{2}', '2'],
    ['\\boxed{\\frac{1}{2}}', '\\frac{1}{2}'],
    ['\\boxed{\\{1, 2\\}}', '\\{1, 2\\}'],
    ['$\\boxed {7}$', '7'],
    ['\\fbox{x+1}', 'x+1'],
    ['so $\\boxed 5$.', '5'],
    ['\\boxed{\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}}', '\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}'],
    ['\\boxed{a}\\fbox{b}', 'b'],
  ])('%s -> %s', (text, expected) => {
    expect(lastBoxedContent(text)).toBe(expected);
  });

  it.each([['no box here'], ['\\boxed{1'], ['\\boxed{{2}'], ['\\boxedx{3}'], ['\\boxed'], ['\\boxed5'], ['']])('%s -> null', (text) => {
    expect(lastBoxedContent(text)).toBeNull();
  });
});

describe('extractAnswer', () => {
  it.each([
    ['Thus the area is $\\boxed{12}$ square units.', '12'],
    ['The answer is 7 \\boxed{8}', '8'],
    ['The answer is $\\frac{1}{2}$. I hope it is correct.', '\\frac{1}{2}'],
    ['Final Answer: The final answer is $5$. I hope it is correct.', '5'],
    ['She sold 48/2 = 24 clips.\nAltogether 48+24 = 72.\n#### 72', '72'],
    ['#### 1,000', '1,000'],
    ['**Answer:** 12', '12'],
    ['Answer: (B) because it is larger', '(B)'],
    ['the answer is\n\n**42**', '42'],
    ['The answer is 5 because 2+3=5.', '5'],
    ['The answer is $\\frac{1}{2}$ of the pie.', '\\frac{1}{2}'],
    ['Final answer: 12 dollars per week', '12 dollars'],
    ['Let me check the answer: we have 3 + 4 = 7. So 7.', '7'],
    ['The answer is Monday.', 'Monday'],
    ['The answer is 5!', '5'],
    ['We get 3 apples and then 4 apples, total 7.', '7'],
    ['The total is 1,234.5 meters', '1,234.5'],
    ['He has -4 dollars left', '-4'],
    ['The result is 5-3', '3'],
    ['So she ate $\\frac{3}{4}$ of it', '\\frac{3}{4}'],
    ['Then 1, 2, 3 and finally 7', '7'],
    ['\\frac{1}{2}', '\\frac{1}{2}'],
    ['x = 5', 'x = 5'],
    ['(1, 2)', '(1, 2)'],
    ['5 cm', '5 cm'],
    ['Monday', 'Monday'],
  ])('%j -> %j', (response, expected) => {
    expect(extractAnswer(response)).toBe(expected);
  });

  it('takes no last number when the fallback is off', () => {
    expect(extractAnswer('We get 3 apples and then 4 apples, total 7.', { lastNumberFallback: false })).toBeNull();
    expect(extractAnswer('Let me check the answer: we have 3 + 4 = 7.', { lastNumberFallback: false })).toBe('7');
    expect(extractAnswer('The answer is 7', { lastNumberFallback: false })).toBe('7');
  });

  it('returns null when there is no answer at all', () => {
    expect(extractAnswer('')).toBeNull();
    expect(extractAnswer('   \n ')).toBeNull();
    expect(extractAnswer('I do not know how to solve this problem.')).toBeNull();
    expect(extractAnswer('\\boxed{}')).toBeNull();
  });
});

describe('verify', () => {
  it.each([
    ['Adding, $3 + 4 = 7$, so the answer is $\\boxed{7}$.', '7', true],
    ['Adding, $3 + 4 = 7$, so the answer is $\\boxed{8}$.', '7', false],
    ['Natalia sold 48/2 = 24 clips in May.\nAltogether she sold 48+24 = 72 clips.\n#### 72', '72', true],
    ['Final Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.', '0.75', true],
    ['The answer is $\\frac{1}{3}$.', '0.333', false],
    ['Solving gives \\boxed{x = 2}', '2', true],
    ['The roots are \\boxed{2, -3}', '-3, 2', true],
    ['The interval is \\boxed{(1, 2]}', '(1,2)', false],
    ['So the answer is \\boxed{\\text{(C)}}', 'C', true],
    ['The answer is 18 dollars.', '\\$18', true],
    ['It costs 18 in the end', '18', true],
    ['1/2', '\\frac{1}{2}', true],
  ])('%j vs %j -> %s', (response, gold, equal) => {
    expect(verify(response, gold).equal).toBe(equal);
  });

  it('reports the extracted answer', () => {
    expect(verify('so \\boxed{42}', '42')).toEqual({ equal: true, extracted: '42' });
    expect(verify('nothing here', '42')).toEqual({ equal: false, extracted: null });
  });

  it('honours lastNumberFallback', () => {
    expect(verify('It costs 18 in the end', '18', { lastNumberFallback: false })).toEqual({ equal: false, extracted: null });
  });
});
