/** Text matched literally inside a LIKE pattern: `%`, `_` and the escape `\` escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}
