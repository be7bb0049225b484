// One line of text asked on the terminal before the screen starts (a typed confirmation). In a
// terminal it is a line editor (components/LineQuestion.tsx); from a pipe, the line as read.
import {askLineOnScreen} from './presenter.js';

/** The line the operator types after `question`, trimmed. */
export function askLine(question: string): Promise<string> {
	return process.stdin.isTTY ? askLineOnScreen(question) : readPipedLine(question);
}

// Read in the terminal's own line mode, and the listener removed after: readline would leave a
// keypress decoder on stdin that keeps keys from reaching the screen afterwards.
function readPipedLine(question: string): Promise<string> {
	process.stdout.write(question);
	return new Promise((resolve) => {
		let text = '';
		const onData = (chunk: Buffer) => {
			text += chunk.toString('utf8');
			const end = text.indexOf('\n');
			if (end === -1) return;
			process.stdin.off('data', onData);
			process.stdin.pause();
			resolve(text.slice(0, end).replace(/\r$/, '').trim());
		};
		process.stdin.on('data', onData);
		process.stdin.once('end', () => resolve(text.trim()));
		// Paused after an earlier question: a new listener alone would not start it again.
		process.stdin.resume();
	});
}
