/** Tags are matched case-insensitively and without surrounding space. */
export function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase()
}
