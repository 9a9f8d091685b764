/** Types of bin/compile.mjs (plain JavaScript, so it runs before anything is compiled). */
export declare const ROOT: string;
/** The compiled entry's absolute path when dist/ holds a build of the current sources, else undefined. */
export declare const freshEntry: () => string | undefined;
/** Builds dist/cli/ from the sources now; returns the compiled entry's absolute path. */
export declare const buildCli: () => Promise<string>;
/** The fresh build, a new build when dist/ is missing or stale, or undefined when no build is possible. */
export declare const compiledEntry: () => Promise<string | undefined>;
