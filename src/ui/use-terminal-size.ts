// The terminal's size in columns and rows, kept current: a resize is a new render, laid out afresh.
import {useStdout} from 'ink';
import {useEffect, useState} from 'react';

export function useTerminalSize(): {cols: number; rows: number} {
	const {stdout} = useStdout();
	const read = () => ({cols: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		const onResize = () => setSize(read());
		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	}, [stdout]);
	return size;
}
