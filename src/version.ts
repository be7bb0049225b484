/** The runbook version, as `--version` prints it and the log header records it. */
export const version = '0.1.0';
