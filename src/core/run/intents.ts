// What the operator asks for (an intent) becomes events only when it fits the decision at hand.
// A key is not an event: Enter means "confirmed" only while a confirmation is waiting. Pure.
import {rollbackPlan, type Decision} from './next.js';
import type {Draft} from './events.js';
import type {RunState} from './state.js';
import {minSecretLength} from '../runbook/model.js';
import {matchesPattern} from '../runbook/pattern.js';

export type Intent =
	| {kind: 'confirm'; text?: string}
	| {kind: 'answer'; value: string}
	| {kind: 'check'; isPassed: boolean; reason?: string}
	| {kind: 'end-wait'; reason: string}
	| {kind: 'retry'; reason: string}
	| {kind: 'skip'; reason: string}
	| {kind: 'mark-done'; reason: string}
	| {kind: 'rollback'; reason: string}
	| {kind: 'abort'; reason: string}
	| {kind: 'override'; reason: string}
	| {kind: 'signoff'; name: string}
	| {kind: 'note'; text: string};

/** Events for the intent, or a one-line problem to show the operator (and nothing recorded). */
export type IntentResult = {events: Draft[]} | {problem: string};

/**
 * Turns an operator's intent into events, or refuses it. One case per intent kind against the decision
 * at hand, so every key's effect is in one switch: hence > 80 lines.
 */
export function applyIntent(state: RunState, decision: Decision | undefined, intent: Intent): IntentResult {
	const by = state.options.operator;
	const reasonProblem = (reason: string | undefined) =>
		reason === undefined || reason.trim() === '' ? {problem: 'a reason is required'} : undefined;
	if (intent.kind === 'note') {
		return intent.text.trim() === ''
			? {problem: 'the note is empty'}
			: {events: [{type: 'note-added', by, text: intent.text.trim()}]};
	}
	if (intent.kind === 'abort') {
		return (
			reasonProblem(intent.reason) ?? {
				events: [{type: 'session-ended', status: 'aborted', by, reason: intent.reason.trim()}],
			}
		);
	}
	if (!decision) return {problem: 'nothing is waiting for an answer'};
	switch (decision.kind) {
		case 'var': {
			if (intent.kind !== 'answer') break;
			const value = answerValue(intent.value, decision.spec.default);
			const isSecret = decision.spec.secret ?? false;
			const problem = valueProblem(value, decision.spec.pattern, isSecret);
			if (problem) return {problem};
			return {
				events: [{type: 'var-set', var: decision.var, ...(isSecret ? {} : {value}), isSecret, source: 'operator'}],
			};
		}
		case 'window':
			if (intent.kind !== 'override') break;
			return reasonProblem(intent.reason) ?? {events: [{type: 'window-overridden', by, reason: intent.reason.trim()}]};
		case 'preconditions':
			if (intent.kind !== 'override') break;
			return (
				reasonProblem(intent.reason) ?? {events: [{type: 'preconditions-overridden', by, reason: intent.reason.trim()}]}
			);
		case 'confirm':
			if (intent.kind !== 'confirm') break;
			if (decision.mode === 'typed' && (intent.text ?? '').trim() !== decision.expected)
				return {problem: `type \`${decision.expected}\` exactly to confirm`};
			return {events: [{type: 'step-confirmed', step: decision.step, by, how: decision.mode}]};
		case 'note':
			if (intent.kind !== 'confirm') break;
			return {events: [{type: 'step-succeeded', step: decision.step}]};
		case 'check':
			if (intent.kind !== 'check') break;
			if (!intent.isPassed && reasonProblem(intent.reason)) return {problem: 'say what failed'};
			return {
				events: [
					{
						type: 'check-answered',
						step: decision.step,
						item: decision.item,
						isPassed: intent.isPassed,
						by,
						...(intent.reason?.trim() ? {reason: intent.reason.trim()} : {}),
					},
				],
			};
		case 'ask': {
			if (intent.kind !== 'answer') break;
			const value = answerValue(intent.value, decision.spec.default);
			const isSecret = decision.spec.isSecret;
			const problem = valueProblem(value, decision.spec.pattern, isSecret);
			if (problem) return {problem};
			return {
				events: [
					{
						type: 'input-given',
						step: decision.step,
						var: decision.spec.var,
						...(isSecret ? {} : {value}),
						isSecret,
						by,
					},
					{type: 'step-succeeded', step: decision.step},
				],
			};
		}
		case 'wait':
			if (intent.kind !== 'end-wait') break;
			return (
				reasonProblem(intent.reason) ?? {
					events: [
						{type: 'wait-ended', step: decision.step, isEarly: true, by, reason: intent.reason.trim()},
						{type: 'step-succeeded', step: decision.step},
					],
				}
			);
		case 'follow':
			if (intent.kind !== 'end-wait') break;
			// The stop follows once this is recorded; the command's end then counts as done.
			return (
				reasonProblem(intent.reason) ?? {
					events: [{type: 'wait-ended', step: decision.step, isEarly: true, by, reason: intent.reason.trim()}],
				}
			);
		case 'failure':
			if (intent.kind === 'retry')
				return (
					reasonProblem(intent.reason) ?? {
						events: [{type: 'step-retried', step: decision.step, isAuto: false, by, reason: intent.reason.trim()}],
					}
				);
			if (intent.kind === 'mark-done') {
				if (!decision.isLost) return {problem: 'only a step whose command was lost can be marked done'};
				return (
					reasonProblem(intent.reason) ?? {
						events: [{type: 'step-succeeded', step: decision.step, by, reason: intent.reason.trim()}],
					}
				);
			}
			if (intent.kind === 'skip')
				return (
					reasonProblem(intent.reason) ?? {
						events: [{type: 'step-skipped', step: decision.step, isAuto: false, by, reason: intent.reason.trim()}],
					}
				);
			if (intent.kind === 'rollback') {
				if (!decision.canRollback) return {problem: 'no rollback steps are linked to what ran'};
				return (
					reasonProblem(intent.reason) ?? {
						events: [
							{type: 'rollback-started', steps: rollbackPlan(state, decision.step), by, reason: intent.reason.trim()},
						],
					}
				);
			}
			break;
		case 'signoff':
			if (intent.kind !== 'signoff') break;
			if (intent.name.trim() === '') return {problem: 'type your name to sign off'};
			return {events: [{type: 'signoff-given', role: decision.role, name: intent.name.trim(), by}]};
	}
	return {problem: `\`${intent.kind}\` does not answer this ${decision.kind}`};
}

/** An empty answer takes the default, where there is one. */
export function answerValue(typed: string, fallback: string | undefined): string {
	return typed === '' && fallback !== undefined ? fallback : typed;
}

function valueProblem(value: string, pattern: string | undefined, isSecret: boolean): string | undefined {
	if (value === '') return 'a value is required';
	if (isSecret && value.length < minSecretLength)
		return `a secret must be at least ${minSecretLength} characters: a shorter one cannot be masked safely`;
	// The value itself is not echoed: it may be a secret.
	if (pattern !== undefined && !matchesPattern(pattern, value)) return `the value does not match \`${pattern}\``;
	return undefined;
}
