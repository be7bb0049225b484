// Masks the free text an event carries (reasons, names, commands, answers), and the secret
// defaults of a runbook it carries, before it is recorded. Pure.
import type {RunEvent} from '../run/events.js';
import type {StreamRedactor} from './redact.js';
import {withSecretDefaultsMasked} from './secret-defaults.js';

const freeText = ['reason', 'detail', 'command', 'name', 'value', 'error', 'text'] as const;

export function redactEvent<E extends RunEvent>(event: E, redactor: StreamRedactor): E {
	let copy: E | undefined;
	if ((event.type === 'session-started' || event.type === 'session-resumed') && event.runbook) {
		const runbook = withSecretDefaultsMasked(event.runbook);
		if (runbook !== event.runbook) copy = {...event, runbook};
	}
	for (const field of freeText) {
		const value = (event as Record<string, unknown>)[field];
		if (typeof value !== 'string') continue;
		const masked = redactor.redact(value);
		if (masked.count > 0) {
			copy ??= {...event};
			(copy as Record<string, unknown>)[field] = masked.text;
		}
	}
	return copy ?? event;
}
