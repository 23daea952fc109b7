/**
 * Escapes text for XML and HTML content and attribute values (XML 1.0 §2.4, §3.3.3), and drops the
 * characters XML 1.0 cannot carry at all (§2.2), which would make the file unreadable. One rule
 * for junit.xml, the SVG charts and the HTML pages.
 */
export function escapeXml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}
