// What a runbook may ask for, so a hostile or mistaken file is refused at validate time instead
// of hanging or overflowing later: its size, its durations, its patterns. Pure.
import {parseDuration} from './model.js';
import {patternProblem} from './pattern.js';
import type {RunbookSpec, StepSpec} from './schema.js';
import type {Problem} from './shape.js';

/** The largest runbook file read: real runbooks are a few kilobytes. */
export const maxRunbookBytes = 1024 * 1024;

/** The longest delay a Node timer can hold (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const maxTimerMs = 2 ** 31 - 1;

/** A poll tries again no sooner than this, so `every: 0s` cannot spin the CPU or flood the log. */
export const minPollEveryMs = 1000;

type Path = Array<string | number>;

/** Every duration and pattern of `spec` that is out of bounds, each with its path. */
export function checkLimits(spec: RunbookSpec): Problem[] {
	const problems: Problem[] = [];
	for (const [name, v] of Object.entries(spec.vars ?? {})) checkPattern(v.pattern, problems, ['vars', name], 'pattern');
	for (const [name, rule] of Object.entries(spec.env ?? {}))
		checkPattern(rule.pattern, problems, ['env', name], 'pattern');
	spec.phases.forEach((phase, p) => checkDuration(phase.timebox, problems, ['phases', p], 'timebox'));
	spec.phases.forEach((phase, p) =>
		phase.steps.forEach((step, s) => checkStepLimits(step, problems, ['phases', p, 'steps', s])),
	);
	(spec.rollback ?? []).forEach((step, s) => checkStepLimits(step, problems, ['rollback', s]));
	return problems;
}

// The checks below run for every option of every step, mostly before V8 has optimized them:
// each takes the keys of its value as strings and builds the path only for a problem.

/** A duration longer than a timer can hold, at `path` + `key` (+ `subKey`). */
function checkDuration(
	value: string | number | undefined,
	problems: Problem[],
	path: Path,
	key: string,
	subKey?: string,
): void {
	if (value === undefined || parseDuration(value) <= maxTimerMs) return;
	problems.push({
		path: subKey === undefined ? path.concat(key) : path.concat(key, subKey),
		message: `\`${subKey ?? key}\` is \`${value}\`; the longest duration runbook can time is 24 days (${maxTimerMs} ms)`,
	});
}

/** A pattern that is not a usable regular expression, at `path` + `keys`. */
function checkPattern(value: string | undefined, problems: Problem[], path: Path, ...keys: string[]): void {
	const problem = value === undefined ? undefined : patternProblem(value);
	if (problem !== undefined) problems.push({path: path.concat(keys), message: problem});
}

function checkStepLimits(step: StepSpec, problems: Problem[], path: Path): void {
	checkDuration(step.wait, problems, path, 'wait');
	checkDuration(step.timeout, problems, path, 'timeout');
	checkDuration(step.approval_timeout, problems, path, 'approval_timeout');
	checkDuration(step.for, problems, path, 'for');
	if (step.for !== undefined && step.timeout !== undefined && parseDuration(step.timeout) <= parseDuration(step.for))
		problems.push({
			path: path.concat('timeout'),
			message: `\`timeout\` is not longer than \`for\`; the command would be stopped as failed before its time is up`,
		});
	// An interactive command's output is the terminal's: there is no standard output to keep.
	if (step.interactive === true && step.capture !== undefined)
		problems.push({
			path: path.concat('capture'),
			at: 'key',
			message: '`capture` cannot be used with `interactive: true`',
		});
	if (step.poll) {
		checkDuration(step.poll.timeout, problems, path, 'poll', 'timeout');
		checkDuration(step.poll.every, problems, path, 'poll', 'every');
		if (step.poll.every !== undefined && parseDuration(step.poll.every) < minPollEveryMs)
			problems.push({
				path: path.concat('poll', 'every'),
				message: `\`every\` is \`${step.poll.every}\`; a poll waits at least 1s between tries`,
			});
	}
	if (step.expect?.stdout !== undefined) checkPattern(step.expect.stdout, problems, path, 'expect', 'stdout');
	if (step.ask?.pattern !== undefined) checkPattern(step.ask.pattern, problems, path, 'ask', 'pattern');
	if (step.poll?.expect?.stdout !== undefined)
		checkPattern(step.poll.expect.stdout, problems, path, 'poll', 'expect', 'stdout');
}
