// How the archive's failures reach the user: one error type carrying the server's SQLSTATE, its
// message, and URLs shown without their password.

export class ArchiveError extends Error {
	/** PostgreSQL's SQLSTATE, when the server refused (42501: no privilege). */
	readonly code: string | undefined;

	constructor(message: string, code?: string) {
		super(message);
		this.code = code;
	}
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		return parsed.toString();
	} catch {
		return '(an unreadable URL)';
	}
}

/** The error's message (each of an AggregateError's, as a failed connect gives). */
export function describe(error: unknown): string {
	const pgError = error as {message?: string; code?: string; errors?: Error[]};
	if (pgError.errors?.length) return pgError.errors.map((e) => e.message).join('; ');
	return pgError.message || String(error);
}

/** What `work` gives, or its failure as an ArchiveError with the server's code. */
export async function asArchiveError<Result>(work: () => Promise<Result>): Promise<Result> {
	try {
		return await work();
	} catch (error) {
		throw new ArchiveError(describe(error), (error as {code?: string}).code);
	}
}
