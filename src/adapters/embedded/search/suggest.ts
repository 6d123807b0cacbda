import type { Statement } from 'better-sqlite3';
import type { SearchDocument, Suggestion } from '../../../ports/search-index.js';
import type { SqliteDatabase } from '../sqlite-database.js';
import type { AttributeStore } from './attribute-store.js';
import { highlight, prefixLength, type WordMarker } from './highlight.js';
import { MatchingKeys } from './matching-keys.js';
import { matchExpression, planQuery, type QueryPlan, termMatch } from './query-plan.js';
import { ftsString, parseQuery } from './query-text.js';
import { LIVE_TABLES } from './schema.js';
import { foldText, terms, words } from './tokens.js';
import type { Vocabulary } from './vocabulary.js';

const { bodies: BODIES } = LIVE_TABLES;
/** Books looked at per kind of suggestion; more only adds rarely shown tail entries. */
const CANDIDATES = 50;
/** Word completions below this length would list most of the vocabulary. */
const MIN_WORD_PREFIX = 2;

interface Candidate {
  text: string;
  bookId?: string;
  /** The text starts with what was typed. */
  leading: boolean;
  /** Rating of the best book behind it: the popularity proxy. */
  popularity: number;
}

/** Marks the typed part: a word matched as a prefix only up to what was typed, other matches whole. */
function typedMarker(plan: QueryPlan): WordMarker {
  return (word, text) => {
    const wordText = text.slice(word.start, word.end);
    for (const term of word.terms) {
      const match = termMatch(plan, term);
      if (match === 'whole') return wordText.length;
      const typed = match === 'prefix' ? plan.terms.find((t) => t.prefix && term.startsWith(t.term)) : undefined;
      if (typed) return prefixLength(wordText, typed.term);
    }
    return 0;
  };
}

function satisfies(plan: QueryPlan, text: string): boolean {
  const found = terms(text);
  return plan.terms.every((t) => found.some((term) => term === t.term || t.alternatives.includes(term) || (t.prefix && term.startsWith(t.term))));
}

function startsWithTyped(text: string, typed: string, lastIsPrefix: boolean): boolean {
  const key = terms(text).join(' ');
  return lastIsPrefix ? key.startsWith(typed) : key === typed || key.startsWith(`${typed} `);
}

function byRelevance(a: Candidate, b: Candidate): number {
  return Number(b.leading) - Number(a.leading) || b.popularity - a.popularity || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
}

/**
 * Completions for a search box: book titles and author names containing every typed term (the last
 * one as a prefix, typos corrected as in search), those starting with the typed text first, then by
 * rating; then vocabulary words completing the last term.
 */
export class Suggester {
  private readonly matching: MatchingKeys;
  private readonly bodies: Statement;

  constructor(
    db: SqliteDatabase,
    private readonly vocabulary: Vocabulary,
    private readonly attributes: AttributeStore,
  ) {
    this.matching = new MatchingKeys(db);
    this.bodies = db.prepare(`SELECT doc FROM ${BODIES} WHERE doc_key IN (SELECT value FROM json_each(?))`).pluck();
  }

  /** Call inside a read transaction with the attribute store refreshed. */
  suggest(prefix: string, limit: number): Suggestion[] {
    const parsed = parseQuery(prefix);
    if (parsed.terms.length === 0) return [];
    const plan = planQuery(parsed, this.vocabulary);
    const typed = terms(prefix).join(' ');
    const candidates: Candidate[] = [];

    const leadingTitle = `title : ^ ${ftsString(typed)}${parsed.lastIsPrefix ? '*' : ''}`;
    for (const doc of this.bestBooks(leadingTitle, matchExpression(plan.terms, 'title'))) {
      if (!satisfies(plan, doc.title)) continue;
      candidates.push({ text: doc.title, bookId: doc.id, leading: startsWithTyped(doc.title, typed, parsed.lastIsPrefix), popularity: doc.rating });
    }
    for (const doc of this.bestBooks(matchExpression(plan.terms, 'authors'))) {
      for (const author of doc.authors) {
        if (satisfies(plan, author)) candidates.push({ text: author, leading: startsWithTyped(author, typed, parsed.lastIsPrefix), popularity: doc.rating });
      }
    }
    candidates.sort(byRelevance);

    const out: Suggestion[] = [];
    const seen = new Set<string>();
    const shownWords = new Set<string>();
    const marker = typedMarker(plan);
    const add = (text: string, bookId?: string) => {
      const key = foldText(text);
      if (seen.has(key) || out.length >= limit) return;
      seen.add(key);
      for (const term of terms(text)) shownWords.add(term);
      const highlighted = highlight(text, marker);
      out.push(bookId === undefined ? { text, highlighted } : { text, highlighted, bookId });
    };
    for (const c of candidates) add(c.text, c.bookId);

    const last = plan.terms[plan.terms.length - 1]!;
    const lastWord = words(prefix).at(-1);
    if (out.length < limit && last.prefix && last.found && Array.from(last.term).length >= MIN_WORD_PREFIX && lastWord) {
      const before = prefix.slice(0, lastWord.start);
      for (const word of this.vocabulary.completions(last.term, limit)) {
        if (word !== last.term && !shownWords.has(word)) add(`${before}${word}`);
      }
    }
    return out;
  }

  /** The best-rated books matching any of the expressions, in no particular order. */
  private bestBooks(...expressions: Array<string | null>): SearchDocument[] {
    const keys = new Set<number>();
    for (const expression of expressions) {
      if (expression === null) continue;
      for (const key of this.attributes.page(this.matching.get(expression), {}, 'rating', 0, CANDIDATES)) keys.add(key);
    }
    if (keys.size === 0) return [];
    return (this.bodies.all(JSON.stringify([...keys])) as string[]).map((doc) => JSON.parse(doc) as SearchDocument);
  }
}
