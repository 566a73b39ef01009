// A step whose loss or gradients are NaN/Inf: thrown by the loss computations, caught by the training loop,
// which skips the step (weights and moments untouched) instead of failing the run.

export class NonFiniteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteError';
  }
}
