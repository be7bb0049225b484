// A conditional skip that says why: the reason goes to the test's meta, which the JSON report
// carries, so `.ci/run` can print "N skipped: reason" instead of passing silently.
import {it, type TestContext} from 'vitest';

declare module 'vitest' {
	interface TaskMeta {
		/** Why the test did not run, when it was skipped on purpose. */
		skipReason?: string;
	}
}

type Body = (context: TestContext) => unknown;

/**
 * `it`, unless `condition` is false: then the test is skipped, and `reason` (say, "asciinema is
 * not installed") is shown by the reporter and recorded in the JSON report.
 */
export function skipUnless(condition: boolean, reason: string) {
	return (name: string, body: Body, timeoutMs?: number) =>
		it(
			name,
			(context) => {
				if (!condition) {
					context.task.meta.skipReason = reason;
					context.skip(reason);
				}
				return body(context);
			},
			timeoutMs,
		);
}
