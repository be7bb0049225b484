// The runbook as the run uses it: kinds resolved, durations in milliseconds, defaults filled.
// Plain JSON, so a session log can carry it and a replay needs nothing else. Pure.
import type {EnvRule, VarSpec} from './schema.js';
import type {DeployWindow} from './window.js';

export type ConfirmMode = 'none' | 'enter' | 'typed';

export type Expectation = {
	/** Exit codes that count as success. @default [0] */
	codes: number[];
	/** A regular expression the standard output must match. */
	stdout?: string;
};

export type AskSpec = {var: string; prompt: string; default?: string; pattern?: string; isSecret: boolean};
export type PollSpec = {run: string; everyMs: number; timeoutMs: number};

export type Step = {
	id: string;
	/** What the operator reads; the id when the runbook gives no name. */
	name: string;
	kind: 'run' | 'check' | 'ask' | 'wait' | 'poll' | 'note';
	/** The phase id, or `rollback` for steps of the rollback list. */
	phase: string;
	run?: string;
	checks?: string[];
	ask?: AskSpec;
	waitMs?: number;
	poll?: PollSpec;
	note?: string;
	confirm: ConfirmMode;
	timeoutMs?: number;
	retries: number;
	expect: Expectation;
	capture?: string;
	env: Record<string, string>;
	cwd?: string;
	when?: string;
	/** Rollback step ids that undo this step, in the order they should run. */
	rollback: string[];
	continueOnError: boolean;
	/** People who approve before it runs, the operator first; the others with `runbook approve`. */
	approvals?: number;
	approvalTimeoutMs?: number;
	/** The command gets the terminal (a pseudo-terminal); its input is never recorded. */
	isInteractive?: boolean;
	/** A command that never ends by itself runs this long, then is stopped and counts as done. */
	forMs?: number;
};

/** `at`: the planned start, minutes after midnight in the window's zone (or the local one). */
export type Phase = {id: string; name: string; timeboxMs?: number; at?: number; steps: Step[]};

export type Runbook = {
	version: 1;
	name: string;
	description?: string;
	target?: string;
	vars: Record<string, VarSpec>;
	env: Record<string, EnvRule>;
	secrets: string[];
	phases: Phase[];
	rollback: Step[];
	signoff: string[];
	window?: DeployWindow;
};

/** Shorter secrets are refused: masking them would mask ordinary text too. */
export const minSecretLength = 8;

const units: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000};

/** `1h30m` → 5_400_000. A bare number is seconds. */
export function parseDuration(value: string | number): number {
	if (typeof value === 'number') return value * 1000;
	const text = value.trim();
	if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000;
	let total = 0;
	for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(match[1]) * units[match[2]!]!;
	return Math.round(total);
}

/** Every step in the order a run meets them, phases first, then the rollback list. */
export function allSteps(runbook: Runbook): Step[] {
	// `concat`, not spreads: a spread of 10,000 steps walks an iterator, slowly before V8 optimizes.
	return runbook.phases.flatMap((p) => p.steps).concat(runbook.rollback);
}

export function findStep(runbook: Runbook, id: string): Step | undefined {
	return allSteps(runbook).find((s) => s.id === id);
}

/** Names of the env variables and vars whose values must be masked. */
export function secretNames(runbook: Runbook): {vars: string[]; env: string[]} {
	const vars = Object.entries(runbook.vars)
		.filter(([, v]) => v.secret)
		.map(([k]) => k);
	for (const step of allSteps(runbook)) if (step.ask?.isSecret) vars.push(step.ask.var);
	const env = [
		...runbook.secrets,
		...Object.entries(runbook.env)
			.filter(([, v]) => v.secret)
			.map(([k]) => k),
	];
	return {vars: [...new Set(vars)], env: [...new Set(env)]};
}
