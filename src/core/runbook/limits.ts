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
	const duration = (value: string | number | undefined, path: Path) => {
		if (value === undefined) return;
		if (parseDuration(value) > maxTimerMs)
			problems.push({
				path,
				message: `\`${String(path.at(-1))}\` is \`${value}\`; the longest duration runbook can time is 24 days (${maxTimerMs} ms)`,
			});
	};
	const pattern = (value: string | undefined, path: Path) => {
		const problem = value === undefined ? undefined : patternProblem(value);
		if (problem !== undefined) problems.push({path, message: problem});
	};
	for (const [name, v] of Object.entries(spec.vars ?? {})) pattern(v.pattern, ['vars', name, 'pattern']);
	for (const [name, rule] of Object.entries(spec.env ?? {})) pattern(rule.pattern, ['env', name, 'pattern']);
	const steps: Array<{step: StepSpec; path: Path}> = [];
	spec.phases.forEach((phase, p) => {
		duration(phase.timebox, ['phases', p, 'timebox']);
		phase.steps.forEach((step, s) => steps.push({step, path: ['phases', p, 'steps', s]}));
	});
	(spec.rollback ?? []).forEach((step, s) => steps.push({step, path: ['rollback', s]}));
	for (const {step, path} of steps) {
		duration(step.wait, [...path, 'wait']);
		duration(step.timeout, [...path, 'timeout']);
		duration(step.approval_timeout, [...path, 'approval_timeout']);
		duration(step.for, [...path, 'for']);
		if (step.for !== undefined && step.timeout !== undefined && parseDuration(step.timeout) <= parseDuration(step.for))
			problems.push({
				path: [...path, 'timeout'],
				message: `\`timeout\` is not longer than \`for\`; the command would be stopped as failed before its time is up`,
			});
		// An interactive command's output is the terminal's: there is no standard output to keep.
		if (step.interactive === true && step.capture !== undefined)
			problems.push({
				path: [...path, 'capture'],
				at: 'key',
				message: '`capture` cannot be used with `interactive: true`',
			});
		duration(step.poll?.timeout, [...path, 'poll', 'timeout']);
		duration(step.poll?.every, [...path, 'poll', 'every']);
		if (step.poll?.every !== undefined && parseDuration(step.poll.every) < minPollEveryMs)
			problems.push({
				path: [...path, 'poll', 'every'],
				message: `\`every\` is \`${step.poll.every}\`; a poll waits at least 1s between tries`,
			});
		pattern(step.expect?.stdout, [...path, 'expect', 'stdout']);
		pattern(step.ask?.pattern, [...path, 'ask', 'pattern']);
		pattern(step.poll?.expect?.stdout, [...path, 'poll', 'expect', 'stdout']);
	}
	return problems;
}
