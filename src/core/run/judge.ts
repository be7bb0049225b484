// Turns a finished command into the events that say what it meant for its step. Pure.
import type {Step} from '../runbook/model.js';
import type {Draft} from './events.js';
import {duration} from '../time.js';
import {matchesPattern} from '../runbook/pattern.js';

/** What the executor reports when a command ends. */
export type CommandResult = {
	code: number | null;
	signal: string | null;
	isTimedOut: boolean;
	isCancelled: boolean;
	durationMs: number;
	/** Standard output kept for `expect.stdout` and `capture`; undefined when it grew past the cap. */
	stdout?: string;
	/** The command could not be started at all (a missing `cwd`, for example). */
	error?: string;
};

const meanings: Record<number, string> = {
	126: 'not executable',
	127: 'command not found',
	130: 'interrupted',
	137: 'killed',
	143: 'terminated',
};

/** `exit 127 (command not found)`, `killed by SIGKILL`. */
export function describeExit(code: number | null, signal: string | null): string {
	if (code === null) return signal ? `killed by ${signal}` : 'ended without an exit code';
	return meanings[code] ? `exit ${code} (${meanings[code]})` : `exit ${code}`;
}

/** `isFollowEnded`: a `for:` step's time was up (or ended early) before the stop, so being stopped is its success. */
export function judgeExit(step: Step, result: CommandResult, isFollowEnded = false): Draft[] {
	const id = step.id;
	const fail = (reason: Extract<Draft, {type: 'step-failed'}>['reason'], detail: string): Draft[] => [
		{type: 'step-failed', step: id, reason, detail},
	];
	if (result.error) return fail('spawn', result.error);
	if (isFollowEnded && result.isCancelled) return [{type: 'step-succeeded', step: id}];
	if (result.isCancelled)
		return fail('cancelled', `cancelled by the operator (${describeExit(result.code, result.signal)})`);
	const isPoll = step.kind === 'poll';
	if (result.isTimedOut)
		return isPoll
			? fail('timeout', `still failing after ${duration(step.poll!.timeoutMs)}`)
			: fail('timeout', `timed out after ${duration(step.timeoutMs ?? 0)}`);
	const isCodeOk = result.code !== null && step.expect.codes.includes(result.code);
	const pattern = step.expect.stdout;
	const isOutputOk =
		pattern === undefined ||
		(result.stdout !== undefined && matchesPattern(pattern, result.stdout, {isMultiline: true}));
	if (isPoll) return isCodeOk && isOutputOk ? [{type: 'step-succeeded', step: id}] : [];
	if (!isCodeOk)
		return fail(
			'exit-code',
			`${describeExit(result.code, result.signal)}${step.expect.codes.length > 1 || step.expect.codes[0] !== 0 ? `; expected ${step.expect.codes.join(' or ')}` : ''}`,
		);
	if (!isOutputOk)
		return fail(
			'expect',
			result.stdout === undefined ? `output too large to match \`${pattern}\`` : `output does not match \`${pattern}\``,
		);
	if (step.capture) {
		if (result.stdout === undefined) return fail('capture', `output too large to capture into \`${step.capture}\``);
		return [
			{type: 'var-captured', step: id, var: step.capture, value: result.stdout.trim()},
			{type: 'step-succeeded', step: id},
		];
	}
	return [{type: 'step-succeeded', step: id}];
}
