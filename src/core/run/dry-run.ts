// The dry run: every step as it would run, commands resolved, confirmations and timeouts shown. Pure.
import type {Runbook, Step} from '../runbook/model.js';
import {secretNames} from '../runbook/model.js';
import {mask} from './command.js';
import {renderShell} from '../runbook/template.js';
import {rollbackOnlyVars} from './var-use.js';
import {duration} from '../time.js';
import {formatClockTime} from '../runbook/window.js';

export function dryRunLines(runbook: Runbook, vars: Record<string, string>, from?: string): string[] {
	const secrets = secretNames(runbook).vars;
	const shown: Record<string, string> = {};
	for (const [name, spec] of Object.entries(runbook.vars)) {
		const value = vars[name] ?? spec.default;
		if (value !== undefined) shown[name] = secrets.includes(name) ? mask : value;
	}
	for (const [name, value] of Object.entries(vars)) shown[name] ??= secrets.includes(name) ? mask : value;
	const out = [`Dry run of "${runbook.name}": nothing is run, nothing is recorded.`];
	if (runbook.target) out.push(`target: ${runbook.target} (typed confirmations ask for it)`);
	const w = runbook.window;
	if (w)
		out.push(
			`window: ${w.days.join(',')} ${formatClockTime(w.start)}-${formatClockTime(w.end)} ${w.timezone}${w.except.length > 0 ? `, shut on ${w.except.join(', ')}` : ''} (run and poll steps wait outside it unless overridden with a reason)`,
		);
	const rollbackOnly = rollbackOnlyVars(runbook);
	for (const [name, spec] of Object.entries(runbook.vars)) {
		const asked = rollbackOnly.includes(name) ? 'asked if a rollback needs it' : 'asked at start';
		const source = vars[name] !== undefined ? 'from --var' : spec.default !== undefined ? `default; ${asked}` : asked;
		out.push(`var ${name} = ${shown[name] ?? '<not set>'} (${source})`);
	}
	for (const [name, rule] of Object.entries(runbook.env)) {
		const rules = [
			rule.equals !== undefined ? `equals "${rule.equals}"` : '',
			rule.min_length ? `at least ${rule.min_length} characters` : '',
			rule.pattern ? `matches ${rule.pattern}` : '',
			rule.required === false ? 'optional' : 'set',
		].filter(Boolean);
		out.push(`env ${name}: ${rules.join(', ')}${rule.secret ? ' (secret)' : ''}`);
	}
	let isBeforeFrom = from !== undefined;
	runbook.phases.forEach((phase, i) => {
		const plan = [
			phase.at !== undefined ? `planned ${formatClockTime(phase.at)}` : '',
			phase.timeboxMs ? `timebox ${duration(phase.timeboxMs)}` : '',
		]
			.filter(Boolean)
			.join(', ');
		out.push('', `== Phase ${i + 1}/${runbook.phases.length}: ${phase.name}${plan ? ` (${plan})` : ''}`);
		for (const step of phase.steps) {
			if (step.id === from) isBeforeFrom = false;
			pushStepLines(out, runbook, step, shown, isBeforeFrom);
		}
	});
	if (runbook.rollback.length > 0) {
		out.push('', '== Rollback (run newest first when the operator rolls back)');
		for (const step of runbook.rollback) pushStepLines(out, runbook, step, shown, false);
	}
	if (runbook.signoff.length > 0) out.push('', `Sign-off: ${runbook.signoff.join(', ')}`);
	return out;
}

/** Adds the lines of one step to `out` (a runbook may have 10,000 steps: no array of its own). */
function pushStepLines(
	out: string[],
	runbook: Runbook,
	step: Step,
	shown: Record<string, string>,
	isSkipped: boolean,
): void {
	const facts: string[] = [step.kind];
	if (step.confirm === 'enter') facts.push('confirm: Enter');
	if (step.confirm === 'typed') facts.push(`confirm: type "${runbook.target ?? step.id}"`);
	if (step.approvals !== undefined)
		facts.push(
			`${step.approvals} approvals${step.approvalTimeoutMs !== undefined ? ` within ${duration(step.approvalTimeoutMs)}` : ''}`,
		);
	if (step.isInteractive) facts.push('interactive: the command gets the terminal');
	if (step.forMs !== undefined) facts.push(`for ${duration(step.forMs)}, then stopped and counted done`);
	if (step.timeoutMs !== undefined) facts.push(`timeout ${duration(step.timeoutMs)}`);
	if (step.retries > 0) facts.push(`retries ${step.retries}`);
	if (step.poll) facts.push(`every ${duration(step.poll.everyMs)} for up to ${duration(step.poll.timeoutMs)}`);
	if (step.waitMs !== undefined) facts.push(`wait ${duration(step.waitMs)}`);
	if (step.when) facts.push(`when ${step.when}`);
	if (step.capture) facts.push(`captures ${step.capture}`);
	if (step.rollback.length > 0) facts.push(`rollback: ${step.rollback.join(', ')}`);
	if (step.continueOnError) facts.push('continues on error');
	if (step.expect.codes.join() !== '0' || step.expect.stdout)
		facts.push(
			`expects ${[step.expect.codes.join('|') !== '0' ? `exit ${step.expect.codes.join(' or ')}` : '', step.expect.stdout ? `output /${step.expect.stdout}/` : ''].filter(Boolean).join(', ')}`,
		);
	out.push(
		`  ${isSkipped ? '(skipped by --from) ' : ''}${step.id}${step.name !== step.id ? ` — ${step.name}` : ''}  [${facts.join(', ')}]`,
	);
	if (step.kind === 'run' || step.kind === 'poll') {
		// `shown` has the secrets masked already: the command as it would be shown, not its script.
		const display = renderShell(step.kind === 'poll' ? step.poll!.run : (step.run ?? ''), (name) => shown[name]);
		const commandLines = display.split('\n');
		for (let i = 0; i < commandLines.length; i++) out.push(`${i === 0 ? '    $ ' : '      '}${commandLines[i]}`);
		if (step.cwd) out.push(`    in ${step.cwd}`);
		const envKeys = Object.keys(step.env);
		if (envKeys.length > 0) out.push(`    env ${envKeys.join(', ')}`);
	}
	if (step.checks) for (const item of step.checks) out.push(`    ☐ ${item}`);
	if (step.ask) out.push(`    asks: ${step.ask.prompt} -> ${step.ask.var}${step.ask.isSecret ? ' (secret)' : ''}`);
	if (step.note) out.push(`    ${step.note}`);
}
