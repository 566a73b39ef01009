// Every curriculum generator, in a fixed order (the order is part of what a seed produces: append, never reorder).
import type { Generator } from '../types.ts';
import { add, divideRemainder, multiply, subtract } from './arithmetic.ts';
import { decimalAddSub, decimalMultiply } from './decimals.ts';
import { fractionAddSub, fractionMulDiv } from './fractions.ts';
import { rectangle, triangleArea } from './geometry.ts';
import { linearEquation } from './linear-equations.ts';
import { mean } from './mean.ts';
import { divisibility, gcdLcm } from './number-theory.ts';
import { orderOfOperations } from './order-of-operations.ts';
import { percentOf, percentRatio } from './percent.ts';
import { ratioScale, ratioShare } from './ratio.ts';
import { arithmeticSequence } from './sequences.ts';
import { unitConversion } from './units.ts';
import { multiStep } from './word-problems.ts';

export const GENERATORS: readonly Generator[] = [
  add,
  subtract,
  multiply,
  divideRemainder,
  orderOfOperations,
  fractionAddSub,
  fractionMulDiv,
  decimalAddSub,
  decimalMultiply,
  percentOf,
  percentRatio,
  ratioShare,
  ratioScale,
  unitConversion,
  multiStep,
  linearEquation,
  rectangle,
  triangleArea,
  gcdLcm,
  divisibility,
  arithmeticSequence,
  mean,
];
