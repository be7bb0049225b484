// The runbook format, version 1 (../shared/design.md). This one definition gives the types,
// the loader's validation and the JSON Schema that `runbook schema` prints. Pure.
import {boolean, dictionary, either, integer, list, literal, object, scalarText, text, type Out} from './shape.js';

const idPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const varPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `90s`, `5m`, `1h30m`, `250ms`, or a bare number of seconds. */
export const durationPattern = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h)\s*)+$|^\d+(?:\.\d+)?$/;

const id = text({pattern: idPattern, hint: 'an id of letters, digits, `-`, `_` or `.`'});
const varName = text({pattern: varPattern, hint: 'a variable name of letters, digits and `_`'});
const duration = either(
	text({pattern: durationPattern, hint: 'a duration like `30s`, `5m` or `1h30m`'}),
	integer({min: 0}),
	(v) => (typeof v === 'string' ? 'a' : typeof v === 'number' ? 'b' : undefined),
	'a duration like `30s`, `5m` or `1h30m`',
);

const varSpec = object(
	'var',
	{},
	{
		prompt: text({description: 'What the operator is asked when no `--var` gives it.'}),
		default: scalarText('Used when the operator gives nothing.'),
		pattern: text({description: 'A regular expression the value must match.'}),
		secret: boolean('Masked on screen and never written to the log.'),
	},
);

const envRule = object(
	'env precondition',
	{},
	{
		equals: scalarText('The variable must have exactly this value.'),
		pattern: text({description: 'The value must match this regular expression.'}),
		min_length: integer({min: 1, description: 'The value must be at least this long.'}),
		secret: boolean('The value is masked everywhere.'),
		required: boolean('The variable must be set (default true).'),
	},
);

const expect = object(
	'expect',
	{},
	{
		code: either(integer({min: 0, max: 255}), list(integer({min: 0, max: 255}), {minItems: 1}), (v) =>
			Array.isArray(v) ? 'b' : 'a',
		),
		stdout: text({description: 'A regular expression the standard output must match.'}),
	},
);

const ask = object(
	'ask',
	{var: varName, prompt: text()},
	{
		default: scalarText(),
		pattern: text({description: 'A regular expression the answer must match.'}),
		secret: boolean('Masked while typed, never written to the log.'),
	},
);

const poll = object(
	'poll',
	{run: text({minLength: 1}), timeout: duration},
	{
		every: duration,
		expect,
	},
);

const confirm = either(
	boolean(),
	literal(['typed'] as const),
	(v) => (typeof v === 'boolean' ? 'a' : v === 'typed' ? 'b' : undefined),
	'`true`, `false` or `typed`',
);

/** Every key a step may carry; which ones apply to which kind is checked in validate.ts. */
export const stepShape = object(
	'step',
	{id},
	{
		name: text(),
		run: text({minLength: 1, description: 'Shell text, run by bash with `-e -o pipefail`.'}),
		check: either(text({minLength: 1}), list(text({minLength: 1}), {minItems: 1}), (v) =>
			Array.isArray(v) ? 'b' : 'a',
		),
		ask,
		wait: duration,
		poll,
		note: text(),
		confirm,
		timeout: duration,
		retries: integer({min: 0, max: 100}),
		expect,
		capture: varName,
		env: dictionary({pattern: envPattern, hint: 'an environment variable name'}, scalarText()),
		cwd: text({minLength: 1}),
		when: text({minLength: 1, description: '`var`, `!var`, `var == value` or `var != value`.'}),
		rollback: either(id, list(id, {minItems: 1}), (v) => (Array.isArray(v) ? 'b' : 'a')),
		continue_on_error: boolean(),
		approvals: integer({min: 2, max: 10}),
		approval_timeout: duration,
		interactive: boolean(),
		for: duration,
	},
	{
		docs: {
			run: 'Shell text, run by bash with `-e -o pipefail`. `{{ var }}` becomes one shell-quoted word.',
			check: 'A manual check (or a list of them) the operator ticks as passed or marks failed.',
			ask: 'Ask the operator for a value and keep it in a variable.',
			wait: 'A timed hold with a countdown; the operator may end it early with a reason.',
			poll: 'Repeat a command until it succeeds, or fail after `timeout`.',
			note: 'Text shown to the operator; alone, a step that only shows it.',
			confirm: '`true`: Enter to run. `typed`: type the runbook `target` (or the step id).',
			timeout: 'The command is stopped (SIGTERM, then SIGKILL) after this long.',
			retries: 'Run again automatically this many times before asking the operator.',
			capture: 'The trimmed standard output becomes this variable.',
			rollback: 'Ids from the top-level `rollback` list that undo this step.',
			continue_on_error: 'A failure is recorded and the run goes on.',
			approvals:
				'How many people approve before it runs (the operator is the first); the others use `runbook approve` from their own session.',
			approval_timeout: 'Without enough approvals within this long, the step fails and the operator chooses what next.',
			interactive:
				'`true`: the command gets the terminal (a pseudo-terminal) for `createsuperuser`, `psql`, an editor or `ssh host`; its output is recorded, its input never.',
			for: 'Run a command that never ends by itself (`logs -f`, `tail -f`) for this long, then stop it and count the step done.',
		},
	},
);

const clockTime = text({pattern: /^([01]?\d|2[0-3]):[0-5]\d$/, hint: 'a time of day like `09:00`'});

const phase = object(
	'phase',
	{id, steps: list(stepShape, {minItems: 1})},
	{
		name: text(),
		timebox: duration,
		at: clockTime,
	},
	{
		docs: {
			at: "The planned start, as a time of day in the window's time zone (or the local one); the screen shows how far ahead or behind the run is.",
		},
	},
);

const deployWindow = object(
	'window',
	{
		timezone: text({minLength: 1, description: 'An IANA time zone, like `Europe/London` or `UTC`.'}),
		days: list(literal(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const), {minItems: 1}),
		hours: text({
			pattern: /^([01]?\d|2[0-3]):[0-5]\d\s*-\s*([01]?\d|2[0-3]):[0-5]\d$/,
			hint: 'hours like `09:00-17:00` (may cross midnight: `22:00-02:00`)',
		}),
	},
	{
		except: list(text({pattern: /^\d{4}-\d{2}-\d{2}$/, hint: 'a date like `2026-12-25`'})),
	},
	{
		docs: {except: "Dates (in the window's time zone) on which the window stays shut."},
	},
);

export const runbookShape = object(
	'runbook',
	{
		version: literal([1] as const, 'The runbook format version.'),
		name: text({minLength: 1}),
		phases: list(phase, {minItems: 1}),
	},
	{
		description: text(),
		target: text({minLength: 1, description: 'What a typed confirmation asks the operator to type.'}),
		vars: dictionary({pattern: varPattern, hint: 'a variable name'}, varSpec),
		env: dictionary({pattern: envPattern, hint: 'an environment variable name'}, envRule),
		secrets: list(text({pattern: envPattern, hint: 'an environment variable name'})),
		rollback: list(stepShape, {minItems: 1}),
		signoff: list(text({minLength: 1}), {minItems: 1}),
		window: deployWindow,
	},
	{
		description: 'A runbook for the `runbook` tool, format version 1.',
		docs: {
			window: 'When mutating steps (`run`, `poll`) may start; outside it the operator must override with a reason.',
		},
	},
);

export type StepSpec = Out<typeof stepShape>;
export type PhaseSpec = Out<typeof phase>;
export type RunbookSpec = Out<typeof runbookShape>;
export type VarSpec = Out<typeof varSpec>;
export type EnvRule = Out<typeof envRule>;
export type ExpectSpec = Out<typeof expect>;

export const stepKinds = ['run', 'check', 'ask', 'wait', 'poll', 'note'] as const;
export type StepKind = (typeof stepKinds)[number];

/** The kind of a step: the one kind key it has; `note` alone makes a note step. */
export function stepKind(step: StepSpec): StepKind {
	return stepKinds.find((k) => k !== 'note' && step[k] !== undefined) ?? 'note';
}

/** The JSON Schema document that `runbook schema` prints. */
export function runbookJsonSchema(): Record<string, unknown> {
	const schema = runbookShape.json();
	// A step must have one kind key; the shape language has no "exactly one of", so it is added here.
	type Node = {properties: Record<string, {items: Node}>};
	const step = (schema as unknown as Node).properties.phases!.items.properties.steps!.items as unknown as Record<
		string,
		unknown
	>;
	step.anyOf = stepKinds.map((k) => ({required: [k]}));
	return {
		$schema: 'https://json-schema.org/draft/2020-12/schema',
		$id: 'urn:runbook:schema:runbook-v1',
		title: 'runbook',
		...schema,
	};
}
