import { useState } from 'react';

interface CoverBook {
  id: string;
  title: string;
  authors: string[];
  coverUrl: string | null;
}

/** FNV-1a: a stable number per book id, so a book keeps its colour everywhere. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Greedy word wrap into at most `maxLines` lines, the last one cut with an ellipsis. */
function wrapTitle(title: string, maxChars: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of title.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length <= maxChars || !line) line = candidate;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines.map((l) => (l.length > maxChars ? `${l.slice(0, maxChars - 1)}…` : l));
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1]!;
  kept[maxLines - 1] = `${last.slice(0, maxChars - 1)}…`;
  return kept;
}

/**
 * A cover drawn from the book itself: no image host to go away. Dark backgrounds (lightness 22-30%)
 * keep the white title above 7:1 contrast whatever the hue.
 */
function GeneratedCover({ book }: { book: CoverBook }) {
  const h = hash(book.id);
  const hue = h % 360;
  const background = `hsl(${hue} 42% ${22 + (h % 9)}%)`;
  const band = `hsl(${(hue + 40) % 360} 65% 62%)`;
  const lines = wrapTitle(book.title, 13, 5);
  const author = book.authors[0] ?? '';
  return (
    <svg viewBox="0 0 200 300" className="cover-art" aria-hidden="true" focusable="false">
      <rect width="200" height="300" fill={background} />
      <rect x="0" y="0" width="14" height="300" fill="rgba(0,0,0,0.25)" />
      <rect x="30" y="40" width="140" height="4" fill={band} />
      {lines.map((line, i) => (
        <text key={i} x="30" y={84 + i * 28} fill="#fff" fontFamily="Georgia, 'Times New Roman', serif" fontSize="22" fontWeight="700">
          {line}
        </text>
      ))}
      <rect x="30" y="242" width="60" height="2" fill={band} />
      <text x="30" y="268" fill="#f1f1f1" fontFamily="system-ui, sans-serif" fontSize="13">
        {author.length > 22 ? `${author.slice(0, 21)}…` : author}
      </text>
    </svg>
  );
}

/** The catalog's cover when it has one that loads, the generated one otherwise. */
export function Cover({ book, size = 'md', label }: { book: CoverBook; size?: 'xs' | 'sm' | 'md' | 'lg'; label?: string }) {
  const [failed, setFailed] = useState(false);
  const useImage = book.coverUrl !== null && !failed;
  return (
    <div className={`cover cover-${size}`} role={label ? 'img' : undefined} aria-label={label}>
      {useImage ? (
        <img src={book.coverUrl!} alt="" loading="lazy" decoding="async" referrerPolicy="no-referrer" onError={() => setFailed(true)} />
      ) : (
        <GeneratedCover book={book} />
      )}
    </div>
  );
}
