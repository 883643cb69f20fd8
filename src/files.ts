import { fileURLToPath } from 'node:url';

/**
 * Where the files the server reads at run time are found (the schema, the migrations, the browser
 * assets): under the repository when it runs from source, under dist/ when it runs from the build,
 * which copies them there. Every such read resolves from here, one folder below the root, so the
 * build may bundle the server into one file at that depth (dist/src/main.js) and the reads still
 * find their files.
 */
const ROOT = new URL('../', import.meta.url);

/** A file or folder under the root (a folder ends with `/`). */
export const fromRoot = (relative: string): URL => new URL(relative, ROOT);
/** The same, as a file-system path. */
export const pathFromRoot = (relative: string): string => fileURLToPath(fromRoot(relative));
