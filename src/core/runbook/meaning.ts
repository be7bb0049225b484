// What the shapes cannot say about a runbook: one kind per step, unique ids, known references,
// a sane window, var defaults that fit. Pure; problems carry a path, parse.ts locates them.
import {isKnownTimezone, parseClockTime} from './window.js';
import {stepKind, stepKinds, type RunbookSpec, type StepSpec} from './schema.js';
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
	for (const {step} of steps) {
		if (step.ask) known.add(step.ask.var);
		if (step.capture) known.add(step.capture);
	}
	const rollbackIds = new Set((spec.rollback ?? []).map((step) => step.id));
	checkUniqueIds(spec, steps, problems);
	if (spec.window) checkWindow(spec.window, problems);
	checkVarDefaults(spec, problems);
	for (const located of steps) checkStep(located, {known, rollbackIds}, problems);
	return problems;
}

function checkUniqueIds(spec: RunbookSpec, steps: LocatedStep[], problems: Problem[]) {
	const seen = new Map<string, string>();
	const claim = (id: string, what: string, path: Path) => {
		const earlier = seen.get(id);
		if (earlier) problems.push({path: [...path, 'id'], message: `id \`${id}\` is used twice (first by ${earlier})`});
		else seen.set(id, what);
	};
	spec.phases.forEach((phase, p) => claim(phase.id, `phase \`${phase.id}\``, ['phases', p]));
	for (const {step, path} of steps) claim(step.id, `step \`${step.id}\``, path);
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

function checkReferences(textValue: string | undefined, path: Path, known: Set<string>, problems: Problem[]) {
	if (textValue === undefined) return;
	for (const bad of badTemplates(textValue))
		problems.push({path, message: `\`${bad}\` is not a variable reference; write \`{{ name }}\``});
	for (const name of templateNames(textValue)) {
		if (known.has(name)) continue;
		const near = closest(name, [...known]);
		problems.push({
			path,
			message: `\`{{ ${name} }}\` is not defined by \`vars\`, an \`ask\` step or a \`capture\`${near ? `; did you mean \`${near}\`?` : ''}`,
		});
	}
}

/** One step's kind, options, references, condition and rollback links. */
function checkStep(
	{step, path, isRollback}: LocatedStep,
	context: {known: Set<string>; rollbackIds: Set<string>},
	problems: Problem[],
) {
	const kinds = stepKinds.filter((k) => k !== 'note' && step[k] !== undefined);
	if (kinds.length > 1)
		problems.push({
			path: [...path, 'id'],
			message: `step \`${step.id}\` has ${kinds.map((k) => `\`${k}\``).join(' and ')}; a step has one kind`,
		});
	if (kinds.length === 0 && step.note === undefined)
		problems.push({
			path: [...path, 'id'],
			message: `step \`${step.id}\` does nothing; give it one of ${stepKinds.map((k) => `\`${k}\``).join(', ')}`,
		});
	const kind = stepKind(step);
	const onlyFor = (key: keyof StepSpec, allowed: string[]) => {
		if (step[key] !== undefined && !allowed.includes(kind))
			problems.push({
				path: [...path, key],
				at: 'key',
				message: `\`${key}\` applies to ${allowed.map((k) => `\`${k}\``).join(' and ')} steps, not to the \`${kind}\` step \`${step.id}\``,
			});
	};
	onlyFor('timeout', ['run']);
	onlyFor('retries', ['run']);
	onlyFor('expect', ['run']);
	onlyFor('capture', ['run']);
	onlyFor('env', ['run', 'poll']);
	onlyFor('cwd', ['run', 'poll']);
	onlyFor('confirm', ['run', 'poll']);
	onlyFor('approvals', ['run', 'poll']);
	onlyFor('approval_timeout', ['run', 'poll']);
	onlyFor('interactive', ['run']);
	onlyFor('for', ['run']);
	if (step.approval_timeout !== undefined && step.approvals === undefined)
		problems.push({
			path: [...path, 'approval_timeout'],
			at: 'key',
			message: `\`approval_timeout\` needs \`approvals\` on the step \`${step.id}\``,
		});
	checkReferences(step.run, [...path, 'run'], context.known, problems);
	checkReferences(step.poll?.run, [...path, 'poll', 'run'], context.known, problems);
	checkReferences(step.cwd, [...path, 'cwd'], context.known, problems);
	for (const [k, v] of Object.entries(step.env ?? {})) checkReferences(v, [...path, 'env', k], context.known, problems);
	if (step.when !== undefined) {
		const condition = parseCondition(step.when);
		if (!condition)
			problems.push({
				path: [...path, 'when'],
				message: `\`when: ${step.when}\` is not a condition; write \`var\`, \`!var\`, \`var == value\` or \`var != value\``,
			});
		else if (!context.known.has(condition.var))
			problems.push({
				path: [...path, 'when'],
				message: `\`when\` names \`${condition.var}\`, which no \`vars\`, \`ask\` or \`capture\` defines`,
			});
	}
	const links = step.rollback === undefined ? [] : typeof step.rollback === 'string' ? [step.rollback] : step.rollback;
	if (isRollback && links.length > 0)
		problems.push({
			path: [...path, 'rollback'],
			at: 'key',
			message: `rollback step \`${step.id}\` cannot have a \`rollback\` of its own`,
		});
	for (const link of links) {
		if (!context.rollbackIds.has(link)) {
			const near = closest(link, [...context.rollbackIds]);
			problems.push({
				path: [...path, 'rollback'],
				message: `\`rollback: ${link}\` names no step of the top-level \`rollback\` list${near ? `; did you mean \`${near}\`?` : ''}`,
			});
		}
	}
}
