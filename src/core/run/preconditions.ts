// Checks the runbook's `env` preconditions against an environment. Pure: the environment is an argument.
import type {EnvRule} from '../runbook/schema.js';
import {matchesPattern} from '../runbook/pattern.js';

export type PreconditionResult = {name: string; isMet: boolean; problem?: string};

export function checkPreconditions(
	rules: Record<string, EnvRule>,
	env: Record<string, string | undefined>,
): PreconditionResult[] {
	return Object.entries(rules).map(([name, rule]) => {
		const value = env[name];
		const problem = findProblem(rule, value);
		return problem ? {name, isMet: false, problem} : {name, isMet: true};
	});
}

function findProblem(rule: EnvRule, value: string | undefined): string | undefined {
	if (value === undefined || value === '') return rule.required === false ? undefined : 'is not set';
	const shown = rule.secret ? 'its value' : `\`${value}\``;
	if (rule.equals !== undefined && value !== rule.equals) return `is ${shown}; expected \`${rule.equals}\``;
	if (rule.min_length !== undefined && value.length < rule.min_length)
		return `is ${value.length} characters; expected at least ${rule.min_length}`;
	if (rule.pattern !== undefined && !matchesPattern(rule.pattern, value))
		return `${shown} does not match \`${rule.pattern}\``;
	return undefined;
}
