// Code blocks of the package README, so tests can run its examples.
import { readFileSync } from "node:fs";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The first fenced block of `lang` under the heading `## heading`. */
export function readmeBlock(heading, lang) {
  const at = readme.indexOf(`\n## ${heading}\n`);
  if (at < 0) throw new Error(`README has no "## ${heading}"`);
  const match = readme.slice(at).match(new RegExp("```" + lang + "\\n([\\s\\S]*?)```"));
  if (!match) throw new Error(`README has no ${lang} block under "## ${heading}"`);
  return match[1];
}
