// asciicast v2 (what Debian's asciinema 2.2 plays): the run as a terminal would have shown it,
// with a marker per phase and per step. A derivative for the incident document, not evidence. Pure.
import type {LogHeader} from '../audit/entry.js';
import type {RunEvent} from '../run/events.js';
import {describeExit} from '../run/judge.js';
import {findStep} from '../runbook/model.js';
import {foldEvents} from '../run/reduce.js';
import {castOutput, castText, terminalText} from '../text/sanitize.js';
import {duration} from '../time.js';

/**
 * The cast; `verdict` (the verify summary) is a header field and the first marker. Longer than
 * 80 lines: one case per event type, and the table reads best as one switch.
 */
export function exportCast(header: LogHeader, events: RunEvent[], verdict: string): string {
	const runbook = foldEvents(events).runbook;
	const head = {
		version: 2,
		width: header.term.cols || 80,
		height: header.term.rows || 24,
		timestamp: Math.floor(Date.parse(header.wall) / 1000),
		title: terminalText(`${runbook?.name ?? 'runbook'} (${header.session})`),
		env: {TERM: 'xterm-256color', SHELL: '/bin/bash'},
		verdict: terminalText(verdict),
	};
	const lines = [JSON.stringify(head)];
	const put = (t: number, code: 'o' | 'm', data: string) =>
		lines.push(JSON.stringify([Number((t / 1_000_000).toFixed(6)), code, data]));
	// Every text from the runbook, the log or the output is shown, never played: a cast's viewer
	// sees the escape sequences we write, and only those. Pipes have no ONLCR: a terminal needs
	// CR LF to go back to the first column.
	const mark = (t: number, label: string) => put(t, 'm', terminalText(label).replace(/\n/g, ' '));
	mark(0, `verdict: ${verdict}`);
	for (const event of events) {
		switch (event.type) {
			case 'phase-started': {
				const name = runbook?.phases.find((p) => p.id === event.phase)?.name ?? event.phase;
				mark(event.t, `phase: ${name}`);
				put(event.t, 'o', `\r\n\u001b[1;36m== ${castText(name)}\u001b[0m\r\n`);
				break;
			}
			case 'step-started': {
				const step = runbook ? findStep(runbook, event.step) : undefined;
				mark(event.t, `step: ${event.step}`);
				put(event.t, 'o', `\u001b[1m> ${castText(step?.name ?? event.step)}\u001b[0m\r\n`);
				break;
			}
			case 'command-started':
				put(event.t, 'o', `\u001b[36m$ ${castText(event.command)}\u001b[0m\r\n`);
				break;
			case 'output-recorded':
				put(event.t, 'o', castOutput(event.text));
				break;
			case 'command-exited':
				put(
					event.t,
					'o',
					`\u001b[2m${event.error ?? describeExit(event.code, event.signal)} (${duration(event.durationMs)})\u001b[0m\r\n`,
				);
				break;
			case 'step-confirmed':
				put(event.t, 'o', `\u001b[2mconfirmed by ${castText(event.by)} (${event.how})\u001b[0m\r\n`);
				break;
			case 'step-skipped':
				put(event.t, 'o', `\u001b[33mskipped ${castText(event.step)}: ${castText(event.reason)}\u001b[0m\r\n`);
				break;
			case 'step-failed':
				put(event.t, 'o', `\u001b[31mfailed ${castText(event.step)}: ${castText(event.detail)}\u001b[0m\r\n`);
				break;
			case 'approval-requested':
				put(event.t, 'o', `\u001b[33m⏳ waiting for ${event.need} more approval(s)\u001b[0m\r\n`);
				break;
			case 'approval-given':
				mark(event.t, `approved by ${event.by}`);
				put(
					event.t,
					'o',
					`\u001b[32m✔ approved by ${castText(event.by)} (${castText(event.fingerprint)})\u001b[0m\r\n`,
				);
				break;
			case 'approval-rejected':
				put(event.t, 'o', `\u001b[31m✗ rejected by ${castText(event.by)}: ${castText(event.reason)}\u001b[0m\r\n`);
				break;
			case 'approval-refused':
				put(event.t, 'o', `\u001b[33mapproval refused: ${castText(event.reason)}\u001b[0m\r\n`);
				break;
			case 'session-detached':
				mark(event.t, 'runner detached');
				put(event.t, 'o', `\u001b[33m⚡ runner detached: ${castText(event.reason)}\u001b[0m\r\n`);
				break;
			case 'session-resumed':
				mark(event.t, `resumed by ${event.by}`);
				put(event.t, 'o', `\u001b[36m↻ resumed by ${castText(event.by)}\u001b[0m\r\n`);
				break;
			case 'command-recovered':
				put(event.t, 'o', `\u001b[2m${event.how === 'reattached' ? 'reattached' : 'collected'}\u001b[0m\r\n`);
				break;
			case 'command-lost':
				put(event.t, 'o', `\u001b[31mlost ${castText(event.step)}: ${castText(event.reason)}\u001b[0m\r\n`);
				break;
			case 'note-added':
				mark(event.t, `note: ${event.text}`);
				put(event.t, 'o', `\u001b[36m✎ ${castText(event.by)}: ${castText(event.text)}\u001b[0m\r\n`);
				break;
			case 'session-ended':
				put(
					event.t,
					'o',
					`\r\n\u001b[1m== ${event.status}${event.reason ? `: ${castText(event.reason)}` : ''}\u001b[0m\r\n`,
				);
				break;
			default:
				break;
		}
	}
	return `${lines.join('\n')}\n`;
}
