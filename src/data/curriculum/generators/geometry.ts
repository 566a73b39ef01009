// Perimeter and area: rectangles and squares, a missing side, L-shaped figures, triangles.
import { decimalText } from '../format.ts';
import { defineGenerator } from '../types.ts';

/**
 * Level 1: a rectangle's perimeter or area. Level 2: a missing side from the area or perimeter.
 * Level 3: an L shape (a w×h rectangle with a cw×ch corner cut out): its area or its perimeter.
 */
export const rectangle = defineGenerator<{ w: number; h: number; cw: number; ch: number; ask: string }>({
  id: 'rectangle',
  knowledgePoints: ['geometry.perimeter-area'],
  levels: [1, 2, 3],
  sample(rng, level) {
    const w = rng.int(level === 3 ? 6 : 2, level === 1 ? 30 : 60);
    const h = rng.int(level === 3 ? 6 : 2, level === 1 ? 30 : 60);
    if (level === 3) return { w, h, cw: rng.int(1, w - 2), ch: rng.int(1, h - 2), ask: rng.pick(['area', 'perimeter']) };
    if (level === 2) return { w, h, cw: 0, ch: 0, ask: rng.pick(['side-from-area', 'side-from-perimeter']) };
    return { w, h, cw: 0, ch: 0, ask: rng.pick(['area', 'perimeter']) };
  },
  render({ w, h, cw, ch, ask }, rng) {
    const unit = rng.pick(['cm', 'm', 'inches', 'feet']);
    if (cw > 0) {
      const shape = `An L-shaped garden is a ${w} ${unit} by ${h} ${unit} rectangle with a ${cw} ${unit} by ${ch} ${unit} rectangle cut from one corner.`;
      if (ask === 'area') {
        return {
          question: `${shape} What is its area in square ${unit}?`,
          steps: [`Full rectangle: ${w} × ${h} = ${w * h}`, `Cut corner: ${cw} × ${ch} = ${cw * ch}`, `${w * h} - ${cw * ch} = ${w * h - cw * ch}`],
          answer: String(w * h - cw * ch),
        };
      }
      return {
        question: `${shape} What is its perimeter in ${unit}?`,
        steps: [
          'Cutting a corner moves two edges inward without changing their total length, so the perimeter equals the full rectangle\'s.',
          `2 × (${w} + ${h}) = ${2 * (w + h)}`,
        ],
        answer: String(2 * (w + h)),
      };
    }
    if (ask === 'area') {
      return {
        question: rng.pick([`A rectangle is ${w} ${unit} long and ${h} ${unit} wide. What is its area in square ${unit}?`, `Find the area of a ${w} ${unit} by ${h} ${unit} rectangle.`]),
        steps: [`Area = length × width = ${w} × ${h} = ${w * h}`],
        answer: String(w * h),
      };
    }
    if (ask === 'perimeter') {
      return {
        question: rng.pick([`A rectangle is ${w} ${unit} long and ${h} ${unit} wide. What is its perimeter in ${unit}?`, `How much fence goes around a ${w} ${unit} by ${h} ${unit} rectangular yard, in ${unit}?`]),
        steps: [`Perimeter = 2 × (length + width) = 2 × (${w} + ${h})`, `2 × ${w + h} = ${2 * (w + h)}`],
        answer: String(2 * (w + h)),
      };
    }
    if (ask === 'side-from-area') {
      return {
        question: `A rectangle has an area of ${w * h} square ${unit} and a length of ${w} ${unit}. What is its width in ${unit}?`,
        steps: [`Width = area ÷ length = ${w * h} ÷ ${w} = ${h}`],
        answer: String(h),
      };
    }
    return {
      question: `A rectangle has a perimeter of ${2 * (w + h)} ${unit} and a length of ${w} ${unit}. What is its width in ${unit}?`,
      steps: [`Length + width = ${2 * (w + h)} ÷ 2 = ${w + h}`, `Width = ${w + h} - ${w} = ${h}`],
      answer: String(h),
    };
  },
});

/** Level 1: triangle area from base and height. Level 2: triangle perimeter from sides. Level 3: trapezoid area. */
export const triangleArea = defineGenerator<{ a: number; b: number; c: number; kind: string }>({
  id: 'triangle-area',
  knowledgePoints: ['geometry.perimeter-area', 'geometry.triangles'],
  levels: [1, 2, 3],
  sample(rng, level) {
    if (level === 1) return { a: rng.int(2, 40), b: rng.int(2, 40), c: 0, kind: 'triangle-area' };
    if (level === 2) {
      for (;;) {
        const [a, b, c] = [rng.int(3, 50), rng.int(3, 50), rng.int(3, 50)];
        // triangle inequality
        if (a + b > c && a + c > b && b + c > a) return { a, b, c, kind: 'triangle-perimeter' };
      }
    }
    return { a: rng.int(2, 40), b: rng.int(2, 40), c: rng.int(2, 30), kind: 'trapezoid-area' };
  },
  render({ a, b, c, kind }, rng) {
    const unit = rng.pick(['cm', 'm', 'inches', 'feet']);
    if (kind === 'triangle-area') {
      const area = decimalText(a * b * 5, 1); // a·b/2 in tenths
      return {
        question: rng.pick([
          `A triangle has a base of ${a} ${unit} and a height of ${b} ${unit}. What is its area in square ${unit}?`,
          `Find the area of a triangle with base ${a} ${unit} and height ${b} ${unit}.`,
        ]),
        steps: [`Area = base × height ÷ 2`, `${a} × ${b} = ${a * b}`, `${a * b} ÷ 2 = ${area}`],
        answer: area,
      };
    }
    if (kind === 'triangle-perimeter') {
      return {
        question: `A triangle has sides of ${a} ${unit}, ${b} ${unit} and ${c} ${unit}. What is its perimeter in ${unit}?`,
        steps: [`${a} + ${b} = ${a + b}`, `${a + b} + ${c} = ${a + b + c}`],
        answer: String(a + b + c),
      };
    }
    const area = decimalText((a + b) * c * 5, 1);
    return {
      question: `A trapezoid has parallel sides of ${a} ${unit} and ${b} ${unit} and a height of ${c} ${unit}. What is its area in square ${unit}?`,
      steps: [`Area = (a + b) × height ÷ 2`, `${a} + ${b} = ${a + b}`, `${a + b} × ${c} = ${(a + b) * c}`, `${(a + b) * c} ÷ 2 = ${area}`],
      answer: area,
    };
  },
});
