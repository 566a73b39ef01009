// One error type for every problem found in a model folder's files, so callers can tell
// "this file is bad" (show the message to the user) from a programming error.

/** A file in a model folder is missing, malformed or inconsistent; the message starts with the file's name. */
export class ModelFileError extends Error {
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'ModelFileError';
    this.file = file;
  }
}
