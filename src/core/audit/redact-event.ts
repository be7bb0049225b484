// Masks the free text an event carries (reasons, names, commands, answers) before it is recorded. Pure.
import type {RunEvent} from '../run/events.js';
import type {StreamRedactor} from './redact.js';

const freeText = ['reason', 'detail', 'command', 'name', 'value', 'error', 'text'] as const;

export function redactEvent<E extends RunEvent>(event: E, redactor: StreamRedactor): E {
	let copy: E | undefined;
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
