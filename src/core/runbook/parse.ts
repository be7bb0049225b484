// YAML text -> Runbook, or every problem in the file at once, each with line and column. Pure.
import {parseClockTime, type DeployWindow} from './window.js';
import {LineCounter, parseDocument} from 'yaml';
import {runbookShape, stepKind, type RunbookSpec, type StepSpec} from './schema.js';
import type {Problem} from './shape.js';
import {parseDuration, type Runbook, type Step} from './model.js';
import {controlCharacterProblems} from './control-chars.js';
import {checkLimits} from './limits.js';
import {maxFlowDepth, offsetOf, tooDeepFlowOffset, toValue, yamlMessage} from './yaml-source.js';
import {checkMeaning} from './meaning.js';

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
