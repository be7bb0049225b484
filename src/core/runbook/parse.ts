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
import {readPlainYaml} from './plain-yaml.js';
import {controlPattern} from '../text/control.js';

/** A problem located in the file; line and column count from 1. */
export type LocatedProblem = {line: number; col: number; message: string};

export type ParseResult = {ok: true; runbook: Runbook} | {ok: false; problems: LocatedProblem[]};

export function parseRunbook(source: string): ParseResult {
	if (source.trim() === '')
		return fail([{line: 1, col: 1, message: 'the file is empty; a runbook needs `version: 1`, `name` and `phases`'}]);
	// CR LF is a line break, as YAML says; a carriage return left anywhere else is refused below.
	const text = source.replace(/\r\n/g, '\n');
	const tooDeep = tooDeepFlowOffset(text);
	if (tooDeep >= 0) {
		const [line, col] = lineAndColumn(text, tooDeep);
		return fail([
			{line, col, message: `not valid YAML: nested too deeply (more than ${maxFlowDepth} levels of [ or {)`},
		]);
	}
	const quick = readQuickly(text);
	if (quick) return {ok: true, runbook: normalize(quick)};
	const lineCounter = new LineCounter();
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

/**
 * The runbook read by the fast reader of plain YAML, when it can read the text and finds no
 * problem; otherwise undefined, and `yaml` reads it again to say where each problem is. The
 * values are the same either way, and so are the problems: only their positions need `yaml`.
 */
function readQuickly(text: string): RunbookSpec | undefined {
	// A control character is reported with its place, which only `yaml` knows.
	if (new RegExp(controlPattern.source).test(text)) return undefined;
	const read = readPlainYaml(text);
	if (!read) return undefined;
	const problems: Problem[] = [];
	const spec = runbookShape.read(read.value, [], problems);
	if (!spec || problems.length > 0) return undefined;
	return checkMeaning(spec).length === 0 && checkLimits(spec).length === 0 ? spec : undefined;
}

function fail(problems: LocatedProblem[]): ParseResult {
	return {ok: false, problems};
}

function normalize(spec: RunbookSpec): Runbook {
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
			steps: p.steps.map((s) => normalizeStep(s, p.id)),
		})),
		rollback: (spec.rollback ?? []).map((s) => normalizeStep(s, 'rollback')),
		signoff: spec.signoff ?? [],
		...(spec.window ? {window: deployWindow(spec.window)} : {}),
	};
}

/**
 * A step as the run uses it. Its keys are set one by one, in a fixed order, instead of spreading
 * optional parts: a 10,000-step runbook would make a hundred thousand objects only to drop them.
 */
function normalizeStep(s: StepSpec, phase: string): Step {
	const kind = stepKind(s);
	const step: Step = {id: s.id, name: s.name ?? s.id, kind, phase} as Step;
	if (s.run !== undefined) step.run = s.run.trimEnd();
	if (s.check !== undefined) step.checks = typeof s.check === 'string' ? [s.check] : s.check;
	if (s.ask) {
		const ask: Step['ask'] = {var: s.ask.var, prompt: s.ask.prompt} as NonNullable<Step['ask']>;
		if (s.ask.default !== undefined) ask.default = s.ask.default;
		if (s.ask.pattern) ask.pattern = s.ask.pattern;
		ask.isSecret = s.ask.secret ?? false;
		step.ask = ask;
	}
	if (s.wait !== undefined) step.waitMs = parseDuration(s.wait);
	if (s.poll)
		step.poll = {
			run: s.poll.run.trimEnd(),
			everyMs: parseDuration(s.poll.every ?? '10s'),
			timeoutMs: parseDuration(s.poll.timeout),
		};
	if (s.note !== undefined) step.note = s.note;
	step.confirm = s.confirm === 'typed' ? 'typed' : s.confirm ? 'enter' : 'none';
	if (s.timeout !== undefined) step.timeoutMs = parseDuration(s.timeout);
	step.retries = s.retries ?? 0;
	step.expect = expectation(kind === 'poll' ? s.poll?.expect : s.expect);
	if (s.capture) step.capture = s.capture;
	step.env = s.env ?? {};
	if (s.cwd) step.cwd = s.cwd;
	if (s.when) step.when = s.when;
	step.rollback = s.rollback === undefined ? [] : typeof s.rollback === 'string' ? [s.rollback] : s.rollback;
	step.continueOnError = s.continue_on_error ?? false;
	if (s.approvals !== undefined) step.approvals = s.approvals;
	if (s.approval_timeout !== undefined) step.approvalTimeoutMs = parseDuration(s.approval_timeout);
	if (s.interactive === true) step.isInteractive = true;
	if (s.for !== undefined) step.forMs = parseDuration(s.for);
	return step;
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
