import React from 'react';
import {render, Box, Text} from 'ink';
render(<Box flexDirection="column" borderStyle="round"><Text bold>First frame marker · v1</Text><Text>step one</Text></Box>);
