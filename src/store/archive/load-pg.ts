// node-postgres, loaded on first use: a user without an archive never pays for it.

/**
 * node-postgres, with `Response` hidden while it loads: it builds one to detect Cloudflare
 * Workers, and in Node the first touch of `Response` loads undici, ~25 ms of every archive
 * command's start-up.
 */
export async function loadPg() {
	const response = Object.getOwnPropertyDescriptor(globalThis, 'Response');
	delete (globalThis as {Response?: unknown}).Response;
	try {
		return (await import('pg')).default;
	} finally {
		if (response) Object.defineProperty(globalThis, 'Response', response);
	}
}
