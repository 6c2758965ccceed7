const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML and XML element content and quoted attribute
 * values. Every value the page or the graph shows MUST go through it:
 * resource names, messages and cloud errors are not ours to trust.
 *
 * @example
 * escapeXml('<script>"x"</script>') // '&lt;script&gt;&quot;x&quot;&lt;/script&gt;'
 */
export function escapeXml(value: unknown): string {
  // Control characters other than tab and newlines are not allowed in XML 1.0: a standalone SVG would not parse.
  return String(value)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
