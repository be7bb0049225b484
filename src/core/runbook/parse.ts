// YAML text -> Runbook, or every problem in the file at once, each with line and column. Pure.
import {isKnownTimezone, parseClockTime, type DeployWindow} from './window.js';
import {LineCounter, parseDocument} from 'yaml';
import {runbookShape, stepKind, stepKinds, type RunbookSpec, type StepSpec} from './schema.js';
import {closest, type Problem} from './shape.js';
import {minSecretLength, parseDuration, type Runbook, type Step} from './model.js';
import {templateNames, badTemplates} from './template.js';
import {parseCondition} from './condition.js';
import {controlCharacterProblems} from './control-chars.js';
import {checkLimits} from './limits.js';
import {maxFlowDepth, offsetOf, tooDeepFlowOffset, toValue, yamlMessage} from './yaml-source.js';
import {matchesPattern, patternProblem} from './pattern.js';

/** A problem located in the file; line and column count from 1. */
export type LocatedProblem = {line: number; col: number; message: string};

export type ParseResult = {ok: true; runbook: Runbook} | {ok: false; problems: LocatedProblem[]};

export function parseRunbook(source: string): ParseResult {
	if (source.trim() === '')
		return fail([{line: 1, col: 1, message: 'the file is empty; a runbook needs `version: 1`, `name` and `phases`'}]);
	const lineCounter = new LineCounter();
	// CR LF is a line break, as YAML says; a carriage return left anywhere else is refused below.
	const text = source.replace(/\r\n/g, '\n');
	const tooDeep = tooDeepFlowOffset(text);
	if (tooDeep >= 0) {
		const [line, col] = lineAndColumn(text, tooDeep);
		return fail([
			{line, col, message: `not valid YAML: nested too deeply (more than ${maxFlowDepth} levels of [ or {)`},
		]);
	}
	const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true});
	const at = (offset: number) => lineCounter.linePos(offset);
	// Later YAML errors are mostly echoes of the first; one line says what to fix.
	const [firstError] = doc.errors;
	if (firstError) return fail([{...at(firstError.pos[0]), message: yamlMessage(firstError.message)}]);
	const read = toValue(doc, text);
	if (!read.ok) return fail([{...at(read.offset), message: read.message}]);
	const value = read.value;
	const problems: Problem[] = [];
	const spec = runbookShape.read(value, [], problems);
	if (spec) problems.push(...checkMeaning(spec), ...checkLimits(spec));
	const controls = controlCharacterProblems(doc, text).map((c) => ({...at(c.offset), message: c.message}));
	if (problems.length > 0 || !spec || controls.length > 0) {
		const located = problems.map((p) => ({...at(offsetOf(doc.contents, p.path, p.at)), message: p.message}));
		located.push(...controls);
		located.sort((a, b) => a.line - b.line || a.col - b.col);
		return fail(located);
	}
	return {ok: true, runbook: normalize(spec)};
}

function fail(problems: LocatedProblem[]): ParseResult {
	return {ok: false, problems};
}

/** What the shapes cannot say: one kind per step, unique ids, known references, valid patterns. */
function checkMeaning(spec: RunbookSpec): Problem[] {
	const problems: Problem[] = [];
	const seen = new Map<string, string>();
	const claim = (id: string, what: string, path: Array<string | number>) => {
		const earlier = seen.get(id);
		if (earlier) problems.push({path: [...path, 'id'], message: `id \`${id}\` is used twice (first by ${earlier})`});
		else seen.set(id, what);
	};

	const known = new Set(Object.keys(spec.vars ?? {}));
	const steps: Array<{step: StepSpec; path: Array<string | number>; isRollback: boolean}> = [];
	spec.phases.forEach((phase, p) => {
		claim(phase.id, `phase \`${phase.id}\``, ['phases', p]);
		phase.steps.forEach((step, s) => steps.push({step, path: ['phases', p, 'steps', s], isRollback: false}));
	});
	(spec.rollback ?? []).forEach((step, s) => steps.push({step, path: ['rollback', s], isRollback: true}));
	for (const {step} of steps) {
		if (step.ask) known.add(step.ask.var);
		if (step.capture) known.add(step.capture);
	}
	const rollbackIds = new Set((spec.rollback ?? []).map((s) => s.id));

	if (spec.window) {
		if (!isKnownTimezone(spec.window.timezone))
			problems.push({
				path: ['window', 'timezone'],
				message: `\`${spec.window.timezone}\` is not a time zone this system knows; use an IANA name like \`Europe/London\` or \`UTC\``,
			});
		const [start, end] = spec.window.hours.split('-').map((t) => parseClockTime(t));
		if (start === end) problems.push({path: ['window', 'hours'], message: '`hours` opens and closes at the same time'});
		(spec.window.except ?? []).forEach((date, i) => {
			if (Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
				problems.push({path: ['window', 'except', i], message: `\`${date}\` is not a date`});
		});
	}

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

	const refs = (textValue: string | undefined, path: Array<string | number>) => {
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
	};

	for (const {step, path, isRollback} of steps) {
		claim(step.id, `step \`${step.id}\``, path);
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
		refs(step.run, [...path, 'run']);
		refs(step.poll?.run, [...path, 'poll', 'run']);
		refs(step.cwd, [...path, 'cwd']);
		for (const [k, v] of Object.entries(step.env ?? {})) refs(v, [...path, 'env', k]);
		if (step.when !== undefined) {
			const condition = parseCondition(step.when);
			if (!condition)
				problems.push({
					path: [...path, 'when'],
					message: `\`when: ${step.when}\` is not a condition; write \`var\`, \`!var\`, \`var == value\` or \`var != value\``,
				});
			else if (!known.has(condition.var))
				problems.push({
					path: [...path, 'when'],
					message: `\`when\` names \`${condition.var}\`, which no \`vars\`, \`ask\` or \`capture\` defines`,
				});
		}
		const links =
			step.rollback === undefined ? [] : typeof step.rollback === 'string' ? [step.rollback] : step.rollback;
		if (isRollback && links.length > 0)
			problems.push({
				path: [...path, 'rollback'],
				at: 'key',
				message: `rollback step \`${step.id}\` cannot have a \`rollback\` of its own`,
			});
		for (const link of links) {
			if (!rollbackIds.has(link)) {
				const near = closest(link, [...rollbackIds]);
				problems.push({
					path: [...path, 'rollback'],
					message: `\`rollback: ${link}\` names no step of the top-level \`rollback\` list${near ? `; did you mean \`${near}\`?` : ''}`,
				});
			}
		}
	}
	return problems;
}

function normalize(spec: RunbookSpec): Runbook {
	const step = (s: StepSpec, phase: string): Step => {
		const kind = stepKind(s);
		return {
			id: s.id,
			name: s.name ?? s.id,
			kind,
			phase,
			...(s.run !== undefined ? {run: s.run.trimEnd()} : {}),
			...(s.check !== undefined ? {checks: typeof s.check === 'string' ? [s.check] : s.check} : {}),
			...(s.ask
				? {
						ask: {
							var: s.ask.var,
							prompt: s.ask.prompt,
							...(s.ask.default !== undefined ? {default: s.ask.default} : {}),
							...(s.ask.pattern ? {pattern: s.ask.pattern} : {}),
							isSecret: s.ask.secret ?? false,
						},
					}
				: {}),
			...(s.wait !== undefined ? {waitMs: parseDuration(s.wait)} : {}),
			...(s.poll
				? {
						poll: {
							run: s.poll.run.trimEnd(),
							everyMs: parseDuration(s.poll.every ?? '10s'),
							timeoutMs: parseDuration(s.poll.timeout),
						},
					}
				: {}),
			...(s.note !== undefined ? {note: s.note} : {}),
			confirm: s.confirm === 'typed' ? 'typed' : s.confirm ? 'enter' : 'none',
			...(s.timeout !== undefined ? {timeoutMs: parseDuration(s.timeout)} : {}),
			retries: s.retries ?? 0,
			expect: expectation(kind === 'poll' ? s.poll?.expect : s.expect),
			...(s.capture ? {capture: s.capture} : {}),
			env: s.env ?? {},
			...(s.cwd ? {cwd: s.cwd} : {}),
			...(s.when ? {when: s.when} : {}),
			rollback: s.rollback === undefined ? [] : typeof s.rollback === 'string' ? [s.rollback] : s.rollback,
			continueOnError: s.continue_on_error ?? false,
			...(s.approvals !== undefined ? {approvals: s.approvals} : {}),
			...(s.approval_timeout !== undefined ? {approvalTimeoutMs: parseDuration(s.approval_timeout)} : {}),
			...(s.interactive === true ? {isInteractive: true} : {}),
			...(s.for !== undefined ? {forMs: parseDuration(s.for)} : {}),
		};
	};
	return {
		version: 1,
		name: spec.name,
		...(spec.description !== undefined ? {description: spec.description} : {}),
		...(spec.target !== undefined ? {target: spec.target} : {}),
		vars: spec.vars ?? {},
		env: spec.env ?? {},
		secrets: spec.secrets ?? [],
		phases: spec.phases.map((p) => ({
			id: p.id,
			name: p.name ?? p.id,
			...(p.timebox !== undefined ? {timeboxMs: parseDuration(p.timebox)} : {}),
			...(p.at !== undefined ? {at: parseClockTime(p.at)!} : {}),
			steps: p.steps.map((s) => step(s, p.id)),
		})),
		rollback: (spec.rollback ?? []).map((s) => step(s, 'rollback')),
		signoff: spec.signoff ?? [],
		...(spec.window ? {window: deployWindow(spec.window)} : {}),
	};
}

function deployWindow(w: NonNullable<RunbookSpec['window']>): DeployWindow {
	const [start, end] = w.hours.split('-').map((t) => parseClockTime(t)!) as [number, number];
	return {timezone: w.timezone, days: w.days, start, end, except: w.except ?? []};
}

function expectation(e: {code?: number | number[]; stdout?: string} | undefined) {
	const codes = e?.code === undefined ? [0] : typeof e.code === 'number' ? [e.code] : e.code;
	return {codes, ...(e?.stdout !== undefined ? {stdout: e.stdout} : {})};
}

/** 1-based line and column of `offset`, without a full parse. */
function lineAndColumn(text: string, offset: number): [number, number] {
	const before = text.slice(0, offset);
	const lineStart = before.lastIndexOf('\n') + 1;
	return [before.split('\n').length, offset - lineStart + 1];
}
