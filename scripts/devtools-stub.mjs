// Stands in for Ink's devtools module in the bundle: the shipped CLI never connects to devtools.
export {};
