/** The /api/v1 contract as the browser sees it (see the schemas.ts files under src/http). Money is integer minor units. */

export interface Book {
  id: string;
  isbn: string;
  title: string;
  authors: string[];
  category: string;
  description: string;
  price: number;
  currency: string;
  coverUrl: string | null;
  rating: number;
  year: number;
  /** Copies on hand; null when the shop does not count them. */
  stock?: number | null;
  /** Visible reviews; absent in search hits. */
  reviewCount?: number;
}

export type BookFields = Omit<Book, 'id' | 'reviewCount'>;

export interface Review {
  id: string;
  bookId: string;
  reviewer: { id: string; name: string };
  rating: number;
  title: string | null;
  body: string | null;
  hidden: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Category {
  name: string;
  count: number;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: 'customer' | 'admin';
  createdAt: string;
}

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: User;
}

/** A book of the guest cart the account's cart did not take at sign-in; no title when it left the catalog. */
export interface NotMergedBook {
  bookId: string;
  title: string | null;
}

/** A sign-in, with what of the visitor's guest cart could not join the account's cart. */
export interface SignInResult extends LoginResult {
  notMerged: NotMergedBook[];
}

/** HTML-safe fragments: the server escapes the text and wraps matches in <mark>. */
export interface Highlights {
  title?: string;
  authors?: string;
  description?: string;
}

export type SearchSort = 'relevance' | 'price_asc' | 'price_desc' | 'rating' | 'newest';

export interface SearchResult {
  hits: Array<{ book: Book; highlights: Highlights; score: number }>;
  total: number;
  facets: {
    categories: Array<{ value: string; count: number }>;
    /** `from` inclusive, `to` exclusive, minor units. */
    priceRanges: Array<{ key: string; from?: number; to?: number; count: number }>;
  };
  nextCursor: string | null;
  correctedQuery?: string;
}

export interface Suggestion {
  text: string;
  /** HTML-safe `text` with the typed prefix in <mark>. */
  highlighted: string;
  bookId?: string;
  /** The book's authors and cover, when the suggestion is a book's title. */
  authors?: string[];
  coverUrl?: string;
}

export interface CartLine {
  bookId: string;
  title: string | null;
  authors: string[];
  coverUrl: string | null;
  unitPrice: number | null;
  quantity: number;
  lineTotal: number | null;
  currency: string | null;
  available: boolean;
  /** Copies on hand as the line was read; null when not counted. Checkout decides, this only warns. */
  stock: number | null;
}

export interface Cart {
  lines: CartLine[];
  itemCount: number;
  subtotal: number;
  currency: string | null;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  /** US addresses only: the USPS code of the state (or DC). */
  state?: string;
  country: string;
}

export interface Order {
  id: string;
  lines: Array<{ bookId: string; isbn: string; title: string; category: string; unitPrice: number; quantity: number; lineTotal: number }>;
  itemCount: number;
  total: number;
  currency: string;
  status: OrderStatus;
  statusHistory: Array<{ status: OrderStatus; at: string; by: 'customer' | 'admin' }>;
  payment: { provider: string; reference: string; cardLast4: string } | null;
  shippingAddress: ShippingAddress | null;
  createdAt: string;
}

export type OrderStatus = 'placed' | 'paid' | 'shipped' | 'delivered' | 'cancelled';

/** An order as the admin sees it: whose it is, and where the server allows moving it next. */
export interface AdminOrder extends Order {
  userId: string;
  nextStatuses: OrderStatus[];
}

export type BestsellerWindow = 'all' | '7d' | '1d';

export interface Bestsellers {
  window: BestsellerWindow;
  category: string | null;
  items: Array<{ rank: number; units: number; book: Book }>;
}

export interface PublicUser {
  id: string;
  name: string;
}

export interface Acquaintance extends PublicUser {
  since: string;
}

export interface FriendList {
  friends: Acquaintance[];
  incoming: Acquaintance[];
  outgoing: Acquaintance[];
}

export interface BookRecommendations {
  friendsWhoBought: PublicUser[];
  alsoBought: Book[];
}

export interface Recommendations {
  items: Array<{ book: Book; friendCount: number; reason: string; reasonKind: 'friends' | 'similar-taste' | 'author' | 'category' }>;
}

export interface ProjectionStatus {
  name: string;
  position: number;
  generation: number;
  headPosition: number;
  lagEvents: number;
  lagMs: number;
  /** Set where the API cannot know the lag (on Lambda): why, and where to look. */
  lagUnknown?: string;
  lastError: string | null;
  rebuilding: boolean;
  updatedAt: number;
  /** The latest rebuild run in chunks by the rebuild function (deployed on Lambda only). */
  rebuild?: RebuildProgress | null;
}

export interface RebuildProgress {
  id: string;
  phase: 'loading' | 'switching' | 'done' | 'failed';
  loaded: number;
  total: number | null;
  chunks: number;
  startedAt: number;
  updatedAt: number;
  stalled: boolean;
  lastError: string | null;
}

export interface AuditDifference {
  key: string;
  expected: number | string | null;
  actual: number | string | null;
}

export interface StoreAudit {
  store: 'search' | 'bestsellers' | 'graph';
  checked: number;
  drift: number;
  differences: AuditDifference[];
  repaired: number;
  remaining: number;
}

/** A drift audit: each derived store compared with the system of record (and repaired, if asked). */
export interface AuditReport {
  startedAt: string;
  finishedAt: string;
  repair: boolean;
  stores: StoreAudit[];
  drift: number;
  remaining: number;
}

export interface FieldError {
  field: string;
  detail: string;
}

/** RFC 9457 problem details as the API sends them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  code?: string;
  requestId?: string;
  /** A 409 `out-of-stock`: each book the order wants more copies of than are left. */
  shortages?: Shortage[];
}

export interface Shortage {
  bookId: string;
  title: string;
  requested: number;
  available: number;
}
