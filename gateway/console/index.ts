/** Where the console's static files are (public/: HTML, CSS, vanilla JS; no build step), served by the gateway at /console. */
import path from "node:path";
import { fileURLToPath } from "node:url";

export const CONSOLE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "public");
