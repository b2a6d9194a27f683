// The one error type of the import parsers: a message that names where the file is wrong (line,
// record, column), so a user can open the file at that place and fix it.
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}
