// What the shapes cannot say about a runbook: one kind per step, unique ids, known references,
// a sane window, var defaults that fit. Pure; problems carry a path, parse.ts locates them.
// What runs once per step uses indexed loops, and builds a path only for a problem: most of it
// runs before V8 has optimized it, where `for...of` and spreads make an object per item.
import {isKnownTimezone, parseClockTime} from './window.js';
import {stepKind, stepKinds, type RunbookSpec, type StepKind, type StepSpec} from './schema.js';
import {closest, type Problem} from './shape.js';
import {minSecretLength} from './model.js';
import {templateNames, badTemplates} from './template.js';
import {parseCondition} from './condition.js';
import {matchesPattern, patternProblem} from './pattern.js';

type Path = Array<string | number>;
type LocatedStep = {step: StepSpec; path: Path; isRollback: boolean};

/** Every problem of meaning in `spec`, in file order of the checks. */
export function checkMeaning(spec: RunbookSpec): Problem[] {
	const problems: Problem[] = [];
	const steps: LocatedStep[] = [];
	spec.phases.forEach((phase, p) =>
		phase.steps.forEach((step, s) => steps.push({step, path: ['phases', p, 'steps', s], isRollback: false})),
	);
	(spec.rollback ?? []).forEach((step, s) => steps.push({step, path: ['rollback', s], isRollback: true}));
	const known = new Set(Object.keys(spec.vars ?? {}));
	for (let i = 0; i < steps.length; i++) {
		const {step} = steps[i]!;
		if (step.ask) known.add(step.ask.var);
		if (step.capture) known.add(step.capture);
	}
	const rollbackIds = new Set((spec.rollback ?? []).map((step) => step.id));
	checkUniqueIds(spec, steps, problems);
	if (spec.window) checkWindow(spec.window, problems);
	checkVarDefaults(spec, problems);
	const context = {known, rollbackIds};
	for (let i = 0; i < steps.length; i++) checkStep(steps[i]!, context, problems);
	return problems;
}

function checkUniqueIds(spec: RunbookSpec, steps: LocatedStep[], problems: Problem[]) {
	const seen = new Map<string, 'phase' | 'step'>();
	const claim = (id: string, what: 'phase' | 'step', path: Path) => {
		const earlier = seen.get(id);
		if (earlier)
			problems.push({path: path.concat('id'), message: `id \`${id}\` is used twice (first by ${earlier} \`${id}\`)`});
		else seen.set(id, what);
	};
	spec.phases.forEach((phase, p) => claim(phase.id, 'phase', ['phases', p]));
	for (let i = 0; i < steps.length; i++) claim(steps[i]!.step.id, 'step', steps[i]!.path);
}

function checkWindow(win: NonNullable<RunbookSpec['window']>, problems: Problem[]) {
	if (!isKnownTimezone(win.timezone))
		problems.push({
			path: ['window', 'timezone'],
			message: `\`${win.timezone}\` is not a time zone this system knows; use an IANA name like \`Europe/London\` or \`UTC\``,
		});
	const [start, end] = win.hours.split('-').map((t) => parseClockTime(t));
	if (start === end) problems.push({path: ['window', 'hours'], message: '`hours` opens and closes at the same time'});
	(win.except ?? []).forEach((date, i) => {
		if (Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
			problems.push({path: ['window', 'except', i], message: `\`${date}\` is not a date`});
	});
}

function checkVarDefaults(spec: RunbookSpec, problems: Problem[]) {
	for (const [name, v] of Object.entries(spec.vars ?? {})) {
		if (v.secret && v.default !== undefined && v.default.length < minSecretLength) {
			problems.push({
				path: ['vars', name, 'default'],
				message: `the default of secret \`${name}\` is shorter than ${minSecretLength} characters; so short a secret cannot be masked safely`,
			});
		}
		if (
			v.pattern &&
			v.default !== undefined &&
			patternProblem(v.pattern) === undefined &&
			!matchesPattern(v.pattern, v.default)
		) {
			problems.push({
				path: ['vars', name, 'default'],
				message: `the default \`${v.default}\` of \`${name}\` does not match its pattern \`${v.pattern}\``,
			});
		}
	}
}

/** Problems of the `{{ }}` in `textValue`, the value of `key` (and `subKey` in it) of the step at `path`. */
function checkReferences(
	textValue: string | undefined,
	known: Set<string>,
	problems: Problem[],
	path: Path,
	key: string,
	subKey?: string,
) {
	if (textValue === undefined || !textValue.includes('{{')) return;
	const at = () => (subKey === undefined ? path.concat(key) : path.concat(key, subKey));
	for (const bad of badTemplates(textValue))
		problems.push({path: at(), message: `\`${bad}\` is not a variable reference; write \`{{ name }}\``});
	for (const name of templateNames(textValue)) {
		if (known.has(name)) continue;
		const near = closest(name, [...known]);
		problems.push({
			path: at(),
			message: `\`{{ ${name} }}\` is not defined by \`vars\`, an \`ask\` step or a \`capture\`${near ? `; did you mean \`${near}\`?` : ''}`,
		});
	}
}

/** The options that only some kinds of step take, in the order their problems are reported. */
const kindOptions: Array<{key: keyof StepSpec; kinds: StepKind[]}> = [
	{key: 'timeout', kinds: ['run']},
	{key: 'retries', kinds: ['run']},
	{key: 'expect', kinds: ['run']},
	{key: 'capture', kinds: ['run']},
	{key: 'env', kinds: ['run', 'poll']},
	{key: 'cwd', kinds: ['run', 'poll']},
	{key: 'confirm', kinds: ['run', 'poll']},
	{key: 'approvals', kinds: ['run', 'poll']},
	{key: 'approval_timeout', kinds: ['run', 'poll']},
	{key: 'interactive', kinds: ['run']},
	{key: 'for', kinds: ['run']},
];

/** One step's kind, options, references, condition and rollback links. */
function checkStep(
	{step, path, isRollback}: LocatedStep,
	context: {known: Set<string>; rollbackIds: Set<string>},
	problems: Problem[],
) {
	let kindCount = 0;
	for (let i = 0; i < stepKinds.length; i++)
		if (stepKinds[i] !== 'note' && step[stepKinds[i]!] !== undefined) kindCount++;
	if (kindCount > 1) {
		const kinds = stepKinds.filter((k) => k !== 'note' && step[k] !== undefined);
		problems.push({
			path: path.concat('id'),
			message: `step \`${step.id}\` has ${kinds.map((k) => `\`${k}\``).join(' and ')}; a step has one kind`,
		});
	}
	if (kindCount === 0 && step.note === undefined)
		problems.push({
			path: path.concat('id'),
			message: `step \`${step.id}\` does nothing; give it one of ${stepKinds.map((k) => `\`${k}\``).join(', ')}`,
		});
	const kind = stepKind(step);
	for (let i = 0; i < kindOptions.length; i++) {
		const {key, kinds} = kindOptions[i]!;
		if (step[key] !== undefined && !kinds.includes(kind))
			problems.push({
				path: path.concat(key),
				at: 'key',
				message: `\`${key}\` applies to ${kinds.map((k) => `\`${k}\``).join(' and ')} steps, not to the \`${kind}\` step \`${step.id}\``,
			});
	}
	if (step.approval_timeout !== undefined && step.approvals === undefined)
		problems.push({
			path: path.concat('approval_timeout'),
			at: 'key',
			message: `\`approval_timeout\` needs \`approvals\` on the step \`${step.id}\``,
		});
	checkReferences(step.run, context.known, problems, path, 'run');
	checkReferences(step.poll?.run, context.known, problems, path, 'poll', 'run');
	checkReferences(step.cwd, context.known, problems, path, 'cwd');
	if (step.env)
		for (const [name, value] of Object.entries(step.env))
			checkReferences(value, context.known, problems, path, 'env', name);
	if (step.when !== undefined) {
		const condition = parseCondition(step.when);
		if (!condition)
			problems.push({
				path: path.concat('when'),
				message: `\`when: ${step.when}\` is not a condition; write \`var\`, \`!var\`, \`var == value\` or \`var != value\``,
			});
		else if (!context.known.has(condition.var))
			problems.push({
				path: path.concat('when'),
				message: `\`when\` names \`${condition.var}\`, which no \`vars\`, \`ask\` or \`capture\` defines`,
			});
	}
	if (step.rollback === undefined) return;
	const links = typeof step.rollback === 'string' ? [step.rollback] : step.rollback;
	if (isRollback && links.length > 0)
		problems.push({
			path: path.concat('rollback'),
			at: 'key',
			message: `rollback step \`${step.id}\` cannot have a \`rollback\` of its own`,
		});
	for (const link of links) {
		if (!context.rollbackIds.has(link)) {
			const near = closest(link, [...context.rollbackIds]);
			problems.push({
				path: path.concat('rollback'),
				message: `\`rollback: ${link}\` names no step of the top-level \`rollback\` list${near ? `; did you mean \`${near}\`?` : ''}`,
			});
		}
	}
}
