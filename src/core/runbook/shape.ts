// A tiny schema language: one definition gives the TypeScript type (Out<S>), the validation
// (with paths for line:col) and the JSON Schema. Pure.
import {closest} from './suggest.js';

/** Where in the document a problem is: a path of keys and indexes, and whether the key or value is at fault. */
export type Problem = {path: Array<string | number>; message: string; at?: 'key' | 'value'};

export type Shape<T> = {
	/** Checks `value`; pushes problems and returns undefined when it does not fit. */
	read(value: unknown, path: Array<string | number>, problems: Problem[]): T | undefined;
	/** The JSON Schema of this shape. */
	json(): Record<string, unknown>;
	/** What the value should look like, for messages ("a duration like `30s`"). */
	expected: string;
};

export type Out<S> = S extends Shape<infer T> ? T : never;

const show = (value: unknown): string => {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object' && !isPlainObject(value)) return 'a value of a special YAML type (a `!!` tag)';
	if (typeof value === 'object') return 'a mapping';
	return `\`${String(value)}\``;
};

const mismatch = (path: Array<string | number>, value: unknown, expected: string): Problem => ({
	path,
	message: `${path.length > 0 ? `\`${nameOf(path)}\` is ${show(value)}` : `found ${show(value)}`}; expected ${expected}`,
});

/** `timeout`, or `days[1]` for an item of a list. */
function nameOf(path: Array<string | number>): string {
	const last = path.at(-1)!;
	return typeof last === 'number' && path.length > 1 ? `${String(path.at(-2))}[${last}]` : String(last);
}

function shape<T>(
	expected: string,
	json: () => Record<string, unknown>,
	check: (value: unknown, path: Array<string | number>, problems: Problem[]) => T | undefined,
): Shape<T> {
	return {expected, json, read: check};
}

export function text(
	options: {pattern?: RegExp; hint?: string; minLength?: number; description?: string} = {},
): Shape<string> {
	const expected = options.hint ?? 'text';
	return shape(
		expected,
		() => ({
			type: 'string',
			...(options.pattern ? {pattern: options.pattern.source} : {}),
			...(options.minLength ? {minLength: options.minLength} : {}),
			...(options.description ? {description: options.description} : {}),
		}),
		(value, path, problems) => {
			if (
				typeof value !== 'string' ||
				(options.pattern && !options.pattern.test(value)) ||
				value.length < (options.minLength ?? 0)
			) {
				problems.push(mismatch(path, value, expected));
				return undefined;
			}
			return value;
		},
	);
}

/** Text, but numbers and booleans are accepted and turned into text (YAML reads `8000` as a number). */
export function scalarText(description?: string): Shape<string> {
	return shape(
		'text',
		() => ({type: ['string', 'number', 'boolean'], ...(description ? {description} : {})}),
		(value, path, problems) => {
			if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
			problems.push(mismatch(path, value, 'text'));
			return undefined;
		},
	);
}

export function integer(options: {min?: number; max?: number; description?: string} = {}): Shape<number> {
	const range =
		options.min !== undefined
			? options.max !== undefined
				? ` from ${options.min} to ${options.max}`
				: ` of at least ${options.min}`
			: '';
	const expected = `a whole number${range}`;
	return shape(
		expected,
		() => ({
			type: 'integer',
			...(options.min !== undefined ? {minimum: options.min} : {}),
			...(options.max !== undefined ? {maximum: options.max} : {}),
			...(options.description ? {description: options.description} : {}),
		}),
		(value, path, problems) => {
			if (
				typeof value !== 'number' ||
				!Number.isInteger(value) ||
				(options.min !== undefined && value < options.min) ||
				(options.max !== undefined && value > options.max)
			) {
				problems.push(mismatch(path, value, expected));
				return undefined;
			}
			return value;
		},
	);
}

export function boolean(description?: string): Shape<boolean> {
	return shape(
		'`true` or `false`',
		() => ({type: 'boolean', ...(description ? {description} : {})}),
		(value, path, problems) => {
			if (typeof value !== 'boolean') {
				problems.push(mismatch(path, value, '`true` or `false`'));
				return undefined;
			}
			return value;
		},
	);
}

export function literal<const T extends ReadonlyArray<string | number | boolean>>(
	values: T,
	description?: string,
): Shape<T[number]> {
	const expected = values.map((v) => `\`${String(v)}\``).join(' or ');
	return shape(
		expected,
		() => ({enum: [...values], ...(description ? {description} : {})}),
		(value, path, problems) => {
			if (!values.includes(value as T[number])) {
				problems.push(mismatch(path, value, expected));
				return undefined;
			}
			return value as T[number];
		},
	);
}

export function list<T>(item: Shape<T>, options: {minItems?: number; description?: string} = {}): Shape<T[]> {
	const expected = `a list of ${item.expected}`;
	return shape(
		expected,
		() => ({
			type: 'array',
			items: item.json(),
			...(options.minItems ? {minItems: options.minItems} : {}),
			...(options.description ? {description: options.description} : {}),
		}),
		(value, path, problems) => {
			if (!Array.isArray(value)) {
				problems.push(mismatch(path, value, expected));
				return undefined;
			}
			if (value.length < (options.minItems ?? 0)) {
				problems.push({
					path,
					message: `\`${String(path.at(-1))}\` needs at least ${options.minItems} item${options.minItems === 1 ? '' : 's'}`,
				});
				return undefined;
			}
			const before = problems.length;
			const out = value.map((v, i) => item.read(v, path.concat(i), problems));
			return problems.length === before ? (out as T[]) : undefined;
		},
	);
}

/** A mapping whose keys are names chosen by the author (vars, env names). */
export function dictionary<T>(
	key: {pattern: RegExp; hint: string},
	item: Shape<T>,
	description?: string,
): Shape<Record<string, T>> {
	const expected = `a mapping of ${key.hint} to ${item.expected}`;
	return shape(
		expected,
		() => ({
			type: 'object',
			propertyNames: {pattern: key.pattern.source},
			additionalProperties: item.json(),
			...(description ? {description} : {}),
		}),
		(value, path, problems) => {
			if (!isPlainObject(value)) {
				problems.push(mismatch(path, value, expected));
				return undefined;
			}
			const before = problems.length;
			const out: Record<string, T> = {};
			for (const [k, v] of Object.entries(value)) {
				if (!key.pattern.test(k))
					problems.push({path: [...path, k], at: 'key', message: `\`${k}\` is not a valid name; expected ${key.hint}`});
				const read = item.read(v, path.concat(k), problems);
				if (read !== undefined) out[k] = read;
			}
			return problems.length === before ? out : undefined;
		},
	);
}

type Fields = Record<string, Shape<unknown>>;
type ObjectOut<R extends Fields, O extends Fields> = {[K in keyof R]: Out<R[K]>} & {[K in keyof O]?: Out<O[K]>};

/** A mapping with known keys. Unknown keys are problems, with a did-you-mean. */
export function object<R extends Fields, O extends Fields>(
	name: string,
	required: R,
	optional: O,
	options: {description?: string; docs?: Record<string, string>; planned?: Record<string, string>} = {},
): Shape<ObjectOut<R, O>> & {keys: string[]} {
	const keys = [...Object.keys(required), ...Object.keys(optional)];
	const expected = `a ${name} (a mapping)`;
	const json = () => ({
		type: 'object',
		...(options.description ? {description: options.description} : {}),
		properties: Object.fromEntries(
			keys.map((k) => [
				k,
				{...(required[k] ?? optional[k])!.json(), ...(options.docs?.[k] ? {description: options.docs[k]} : {})},
			]),
		),
		required: Object.keys(required),
		additionalProperties: false,
	});
	const known = new Set(keys);
	const requiredKeys = Object.keys(required);
	const fields = keys.map((k) => (required[k] ?? optional[k])!);
	// Runs once per step, mostly unoptimized: indexed loops and `concat` make no garbage; `for...of` and spreads do.
	const read = (value: unknown, path: Array<string | number>, problems: Problem[]) => {
		if (!isPlainObject(value)) {
			problems.push(mismatch(path, value, expected));
			return undefined;
		}
		const before = problems.length;
		const out: Record<string, unknown> = {};
		const given = Object.keys(value);
		for (let i = 0; i < given.length; i++) {
			const k = given[i]!;
			if (known.has(k)) continue;
			const planned = options.planned?.[k];
			const near = planned ? undefined : closest(k, keys);
			problems.push({
				path: path.concat(k),
				at: 'key',
				message: planned
					? `\`${k}\` is not supported by this version of runbook yet: ${planned}`
					: `\`${k}\` is not a ${name} option${near ? `; did you mean \`${near}\`?` : `; expected one of ${keys.map((x) => `\`${x}\``).join(', ')}`}`,
			});
		}
		for (let i = 0; i < requiredKeys.length; i++)
			if (!(requiredKeys[i]! in value)) problems.push({path, message: `${name} is missing \`${requiredKeys[i]}\``});
		for (let i = 0; i < keys.length; i++) {
			const k = keys[i]!;
			if (!(k in value)) continue;
			const got = fields[i]!.read(value[k], path.concat(k), problems);
			if (got !== undefined) out[k] = got;
		}
		return problems.length === before ? (out as ObjectOut<R, O>) : undefined;
	};
	return {expected, json, read, keys};
}

/** One of several shapes, chosen by the kind of value (text, number, list, mapping). */
export function either<A, B>(
	a: Shape<A>,
	b: Shape<B>,
	pick: (value: unknown) => 'a' | 'b' | undefined,
	description?: string,
): Shape<A | B> {
	const expected = description ?? `${a.expected} or ${b.expected}`;
	return shape(
		expected,
		() => ({anyOf: [a.json(), b.json()]}),
		(value, path, problems) => {
			const which = pick(value);
			if (which === 'a') return a.read(value, path, problems);
			if (which === 'b') return b.read(value, path, problems);
			problems.push(mismatch(path, value, expected));
			return undefined;
		},
	);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	// `!!binary`, `!!set` and `!!timestamp` give byte arrays, sets and dates: not mappings.
	const prototype: unknown = Object.getPrototypeOf(value);
	return prototype === Object.prototype || prototype === null;
}

export {closest, didYouMean} from './suggest.js';
