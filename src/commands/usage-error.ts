/** A problem the operator can fix: the CLI prints it as one line and exits 2, with no stack trace. */
export class UsageError extends Error {}
