/**
 * Search highlights come from the server already HTML-safe (text escaped, matches in <mark>), so they
 * are the one thing this app renders as HTML; without a highlight the plain text is rendered as text.
 */
export function Highlighted({ html, text }: { html: string | undefined; text: string }) {
  if (html === undefined) return <>{text}</>;
  return <span dangerouslySetInnerHTML={{ __html: html }} />;
}
