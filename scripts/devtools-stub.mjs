// Stands in for react-devtools-core in the bundle: devtools are never used by the shipped CLI.
export default {initialize() {}, connectToDevTools() {}};
