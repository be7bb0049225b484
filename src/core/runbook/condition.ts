// `when:` conditions: `var`, `!var`, `var == value`, `var != value`. Pure.

export type Condition = {var: string; op: 'truthy' | 'falsy' | 'eq' | 'ne'; value?: string};

export function parseCondition(text: string): Condition | undefined {
	const trimmed = text.trim().replace(/^\{\{\s*(.*?)\s*\}\}$/, '$1');
	const compare = /^([A-Za-z_][A-Za-z0-9_]*)\s*(==|!=)\s*(.*)$/.exec(trimmed);
	if (compare) return {var: compare[1]!, op: compare[2] === '==' ? 'eq' : 'ne', value: unquote(compare[3]!.trim())};
	const single = /^(!?)\s*([A-Za-z_][A-Za-z0-9_]*)$/.exec(trimmed);
	if (single) return {var: single[2]!, op: single[1] ? 'falsy' : 'truthy'};
	return undefined;
}

function unquote(value: string): string {
	return /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value;
}

const falsy = new Set(['', '0', 'false', 'no', 'off']);

/** Whether the condition holds for the given value of its variable (undefined: not set). */
export function holds(condition: Condition, value: string | undefined): boolean {
	const isTrue = value !== undefined && !falsy.has(value.trim().toLowerCase());
	switch (condition.op) {
		case 'truthy':
			return isTrue;
		case 'falsy':
			return !isTrue;
		case 'eq':
			return (value ?? '') === condition.value;
		case 'ne':
			return (value ?? '') !== condition.value;
	}
}
