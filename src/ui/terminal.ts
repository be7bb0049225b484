// What the terminal allows: a screen to draw on, and colour. Decided here once for every command.

type Terminal = {
	stdout: {isTTY?: boolean};
	stdin: {isTTY?: boolean};
	env: Record<string, string | undefined>;
};

/**
 * `CI` (or `CONTINUOUS_INTEGRATION`) set to anything but `false` or `0`, which is how people say
 * "not CI". The rule is Ink's own (is-in-ci): where Ink believes it is in CI it draws only the
 * last frame, so a screen there would show nothing until the end.
 */
export function isCiEnvironment(env: Record<string, string | undefined>): boolean {
	const isSet = (name: string) => env[name] !== undefined && env[name] !== 'false' && env[name] !== '0';
	return isSet('CI') || isSet('CONTINUOUS_INTEGRATION');
}

/**
 * Both ends are a terminal and this is not CI: the Ink screen. Anything else gets plain lines,
 * and a run that needs an operator's answer stops with exit 2 instead of waiting for one.
 */
export function isInteractiveTerminal(terminal: Terminal = process): boolean {
	return Boolean(terminal.stdout.isTTY && terminal.stdin.isTTY) && !isCiEnvironment(terminal.env);
}

/** `NO_COLOR` with any non-empty value (https://no-color.org). `FORCE_COLOR=0` chalk reads itself. */
export function isColourRefused(env: Record<string, string | undefined>): boolean {
	return Boolean(env.NO_COLOR);
}
