// One plain line per event, for pipes and CI: no screen, no colour, nothing redrawn. Control
// characters are shown (`^[`, `^M`), never passed on: a pipe often ends in a terminal or a CI page.
import type {RunEvent} from '../core/run/events.js';
import {describeExit} from '../core/run/judge.js';
import {findStep} from '../core/runbook/model.js';
import type {RunState} from '../core/run/state.js';
import {clock, duration} from './format.js';
import {terminalOutput, terminalText} from '../core/text/sanitize.js';
import {stepTiming, waitedText} from '../core/run/step-timing.js';

/** Formats events as lines; keeps unfinished output lines until their end arrives. */
export class PlainPrinter {
	private partial = {out: '', err: ''};

	/** Lines for `event`, safe for a terminal; `state` is the state after folding it. */
	lines(event: RunEvent, state: RunState): string[] {
		return this.rawLines(event, state).map(terminalText);
	}

	/**
	 * Output lines arrive here already through `terminalOutput`, so a `\r` keeps its progress
	 * meaning. One case per event type, longer than 80 lines: the table reads best as one switch.
	 */
	private rawLines(event: RunEvent, state: RunState): string[] {
		const at = `[${clock(event.t)}]`;
		const line = (text: string) => `${at} ${text}`;
		const runbook = state.runbook;
		switch (event.type) {
			case 'session-started': {
				const steps = event.runbook.phases.reduce((n, p) => n + p.steps.length, 0);
				return [
					line(
						`runbook ${event.runbook.name}: ${event.runbook.phases.length} phases, ${steps} steps, operator ${event.options.operator}`,
					),
				];
			}
			case 'var-set':
				return [line(`var ${event.var} ${event.isSecret ? 'set (secret)' : `= ${event.value}`} (${event.source})`)];
			case 'preconditions-checked':
				return event.results.map((r) =>
					line(r.isMet ? `env ${r.name} ok` : `env ${r.name} NOT MET: ${r.problem ?? ''}`),
				);
			case 'preconditions-overridden':
				return [line(`preconditions overridden by ${event.by}: ${event.reason}`)];
			case 'phase-started': {
				const index = runbook?.phases.findIndex((p) => p.id === event.phase) ?? -1;
				const phase = runbook?.phases[index];
				return [
					line(
						`== phase ${index + 1}/${runbook?.phases.length}: ${phase?.name ?? event.phase}${phase?.timeboxMs ? ` (timebox ${duration(phase.timeboxMs)})` : ''}`,
					),
				];
			}
			case 'phase-overran':
				return [line(`!! phase ${event.phase} is over its timebox`)];
			case 'phase-ended':
				return [];
			case 'step-started': {
				const step = runbook ? findStep(runbook, event.step) : undefined;
				const extra =
					step?.kind === 'wait'
						? ` (waiting ${duration(step.waitMs!)})`
						: step?.note
							? `: ${step.note}`
							: step && step.name !== step.id
								? `: ${step.name}`
								: '';
				return [line(`-> ${event.step}${extra}`)];
			}
			case 'step-confirmed':
				return [line(`   confirmed by ${event.by} (${event.how})`)];
			case 'command-started':
				return [line(`   $ ${event.command.split('\n').join('\n     ')}`)];
			case 'output-recorded': {
				const stream = event.stream === 'err' ? 'err' : 'out';
				const pieces = (this.partial[stream] + event.text).split('\n');
				this.partial[stream] = pieces.pop()!;
				return pieces.map((text) => `   ${event.stream === 'err' ? '!' : '|'} ${terminalOutput(text)}`);
			}
			case 'command-cancel-requested':
				return [line(`   cancel requested by ${event.by}`)];
			case 'command-exited': {
				const rest = (['out', 'err'] as const)
					.filter((s) => this.partial[s])
					.map((s) => `   ${s === 'err' ? '!' : '|'} ${terminalOutput(this.partial[s])}`);
				this.partial = {out: '', err: ''};
				return [
					...rest,
					line(
						`   ${event.error ?? describeExit(event.code, event.signal)}${event.isTimedOut ? ' (timed out)' : ''} in ${duration(event.durationMs)}`,
					),
				];
			}
			case 'var-captured':
				return [line(`   captured ${event.var}`)];
			case 'check-answered':
				return [line(`   check ${event.isPassed ? 'passed' : `FAILED: ${event.reason ?? ''}`} (${event.by})`)];
			case 'input-given':
				return [line(`   ${event.var} ${event.isSecret ? 'given (secret)' : `= ${event.value}`}`)];
			case 'wait-ended': {
				const what = runbook && findStep(runbook, event.step)?.forMs !== undefined ? 'follow' : 'wait';
				const over = what === 'follow' ? '   follow time over: stopping it' : '   wait over';
				return [line(event.isEarly ? `   ${what} ended early by ${event.by}: ${event.reason}` : over)];
			}
			case 'step-succeeded':
				return [
					line(
						event.by
							? `   marked done by ${event.by}: ${event.reason ?? ''}`
							: `   ok ${event.step}${tookOf(state, event.step)}`,
					),
				];
			case 'command-spawned':
				return [];
			case 'window-overridden':
				return [line(`!! deploy window overridden by ${event.by}: ${event.reason}`)];
			case 'window-closing':
				return [line(`!! the deploy window closes in ${event.threshold} minutes or less (${event.closesAt})`)];
			case 'approval-requested':
				return [line(`   waiting for ${event.need} more approval${event.need === 1 ? '' : 's'}: runbook approve`)];
			case 'approval-given':
				return [line(`   approved by ${event.by} (${event.fingerprint})`)];
			case 'approval-rejected':
				return [line(`   REJECTED by ${event.by} (${event.fingerprint}): ${event.reason}`)];
			case 'approval-refused':
				return [line(`   approval refused: ${event.reason}${event.fingerprint ? ` (${event.fingerprint})` : ''}`)];
			case 'command-recovered':
				return [
					line(
						event.how === 'reattached'
							? `   reattached to ${event.step}, still running`
							: `   ${event.step} ended while no runner watched; its result follows`,
					),
				];
			case 'command-lost':
				return [line(`   LOST ${event.step}: ${event.reason}`)];
			case 'session-detached':
				return [line(`!! runner detached: ${event.reason}${event.step ? `; ${event.step} left running` : ''}`)];
			case 'session-resumed':
				return [
					line(
						`== resumed by ${event.by} (pid ${event.pid})${event.changes ? `; runbook changed: ${event.changes.join('; ')}` : ''}`,
					),
				];
			case 'step-failed':
				return [line(`   FAILED ${event.step}: ${event.detail}`)];
			case 'step-retried':
				return [line(`   retry ${event.step}${event.reason ? `: ${event.reason}` : ''}`)];
			case 'step-skipped':
				return [line(`   skipped ${event.step}: ${event.reason}`)];
			case 'rollback-started':
				return [line(`== rollback by ${event.by}: ${event.steps.join(', ')} (${event.reason})`)];
			case 'signoff-given':
				return [line(`signed off: ${event.role} — ${event.name}`)];
			case 'note-added':
				return [line(`note by ${event.by}: ${event.text}`)];
			case 'session-ended':
				return [line(`== ${event.status}${event.reason ? `: ${event.reason}` : ''}`)];
		}
	}
}

/** ` in 12s (waited 2m10s for approval)`, or ` (DEVIATION: wait ended early)`: the step's own time, waits apart. */
function tookOf(state: RunState, stepId: string): string {
	const st = state.steps[stepId];
	if (!st) return '';
	const timing = stepTiming(st);
	if (timing.endedEarly) return ' (DEVIATION: wait ended early)';
	const waited = waitedText(timing);
	return `${timing.durationUs !== undefined ? ` in ${duration(timing.durationUs / 1000)}` : ''}${waited ? ` (${waited})` : ''}`;
}
