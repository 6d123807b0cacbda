import type { GuestCartStore } from '../auth/guest-cart';
import type { SessionStore } from '../auth/session';
import { ApiError, type ApiClient } from './client';
import type {
  AdminOrder,
  BestsellerWindow,
  Bestsellers,
  Book,
  BookFields,
  BookRecommendations,
  Cart,
  Category,
  FriendList,
  LoginResult,
  NotMergedBook,
  Order,
  OrderStatus,
  Page,
  ProjectionStatus,
  AuditReport,
  PublicUser,
  Recommendations,
  Review,
  SearchResult,
  SearchSort,
  ShippingAddress,
  SignInResult,
  Suggestion,
  User,
} from './types';

const V1 = '/api/v1';
const id = (value: string) => encodeURIComponent(value);

export interface SearchParams {
  q: string;
  category?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  minRating?: number | undefined;
  sort?: SearchSort | undefined;
  /** False searches the words exactly as typed (the "search instead for" link). */
  autocorrect?: boolean | undefined;
  cursor?: string | undefined;
  /** 1-based page number (the API answers pages 1 to SEARCH_MAX_PAGE); never with a cursor. */
  page?: number | undefined;
  limit?: number | undefined;
}

/** A book with the ETag a later change must send back in If-Match. */
export interface VersionedBook {
  book: Book;
  etag: string;
}

/** What tells the cart functions whose cart to use: the signed-in account's, or this browser's guest cart. */
export interface CartOwner {
  session: Pick<SessionStore, 'get'>;
  guestCart: GuestCartStore;
}

const EMPTY_CART: Cart = { lines: [], itemCount: 0, subtotal: 0, currency: null };
const GUEST_CART_HEADER = 'guest-cart';
/** The guest cart expired or was merged elsewhere (the server answers 401 to its token): start again with a new one. */
const isGoneGuestCart = (error: unknown) => error instanceof ApiError && error.status === 401;

/** One typed function per API route the app uses. */
export function createEndpoints(client: ApiClient, owner?: CartOwner) {
  const get = async <T>(path: string, query?: Record<string, string | number | undefined>, signal?: AbortSignal) =>
    (await client.request<T>('GET', V1 + path, { query, signal })).data;

  async function versionedBook(bookId: string, signal?: AbortSignal): Promise<VersionedBook> {
    const res = await client.request<Book>('GET', `${V1}/books/${id(bookId)}`, { signal });
    return { book: res.data, etag: res.headers.get('etag') ?? '' };
  }

  /** No account signed in, and the app was given a guest cart store (the storefront always is). */
  const guestMode = () => owner !== undefined && owner.session.get() === null;

  /** Runs a guest cart change with this browser's token, asking for a new cart when there is none or it is gone. */
  async function withGuestCart(change: (headers: Record<string, string>) => Promise<{ data: Cart }>): Promise<Cart> {
    const store = owner!.guestCart;
    for (let attempt = 0; ; attempt++) {
      let token = store.get();
      if (token === null) {
        token = (await client.request<{ token: string }>('POST', `${V1}/guest-cart`)).data.token;
        store.set(token);
      }
      try {
        return (await change({ [GUEST_CART_HEADER]: token })).data;
      } catch (error) {
        if (attempt > 0 || !isGoneGuestCart(error)) throw error;
        store.clear();
      }
    }
  }

  /**
   * After signing in: the guest cart joins the account's. A failure must not fail the sign-in; the
   * token is kept unless the server says the cart is gone, so the next sign-in can try again.
   * Answers the books the account's cart did not take, for the shopper to be told.
   */
  async function mergeGuestCart(accessToken: string): Promise<NotMergedBook[]> {
    const token = owner?.guestCart.get() ?? null;
    if (token === null) return [];
    let notMerged: string[];
    try {
      notMerged = (await client.request<{ notMerged: string[] }>('POST', `${V1}/cart/merge`, { headers: { authorization: `Bearer ${accessToken}`, [GUEST_CART_HEADER]: token } })).data.notMerged;
      owner!.guestCart.clear();
    } catch (error) {
      if (isGoneGuestCart(error)) owner!.guestCart.clear();
      return [];
    }
    // The answer names books by id; the shopper knows them by title. Usually there are none.
    return Promise.all(
      notMerged.map(async (bookId) => {
        try {
          return { bookId, title: (await client.request<Book>('GET', `${V1}/books/${id(bookId)}`)).data.title };
        } catch {
          return { bookId, title: null };
        }
      }),
    );
  }

  return {
    signUp: async (input: { name: string; email: string; password: string }) =>
      (await client.request<{ user: User }>('POST', `${V1}/auth/signup`, { body: input })).data.user,
    /** Signs in and moves this browser's guest cart, if any, into the account's cart. */
    signIn: async (email: string, password: string): Promise<SignInResult> => {
      const login = (await client.request<LoginResult>('POST', `${V1}/auth/login`, { body: { email, password } })).data;
      return { ...login, notMerged: await mergeGuestCart(login.accessToken) };
    },
    me: (signal?: AbortSignal) => get<{ user: User }>('/me', undefined, signal).then((r) => r.user),
    /** The password again, not just the token: the server refuses (403, field `password`) without the right one. */
    deleteAccount: async (password: string) => {
      await client.request<null>('DELETE', `${V1}/me`, { body: { password } });
    },

    categories: (signal?: AbortSignal) => get<{ categories: Category[] }>('/categories', undefined, signal).then((r) => r.categories),
    books: (query: { category?: string; cursor?: string; limit?: number }, signal?: AbortSignal) => get<Page<Book>>('/books', query, signal),
    book: versionedBook,
    bookRecommendations: (bookId: string, signal?: AbortSignal) => get<BookRecommendations>(`/books/${id(bookId)}/recommendations`, undefined, signal),
    bestsellers: (window: BestsellerWindow, limit: number, signal?: AbortSignal, category?: string) =>
      get<Bestsellers>('/bestsellers', category === undefined ? { window, limit } : { window, limit, category }, signal),
    recommendations: (signal?: AbortSignal) => get<Recommendations>('/recommendations', undefined, signal),
    reviews: (bookId: string, cursor: string | undefined, signal?: AbortSignal) => get<Page<Review>>(`/books/${id(bookId)}/reviews`, { cursor, limit: 10 }, signal),
    myReview: (bookId: string, signal?: AbortSignal) => get<{ review: Review | null; canReview: boolean }>(`/books/${id(bookId)}/review`, undefined, signal),
    putReview: async (bookId: string, input: { rating: number; title: string | null; body: string | null }) =>
      (await client.request<{ review: Review; book: Book }>('PUT', `${V1}/books/${id(bookId)}/review`, { body: input })).data,
    deleteReview: async (bookId: string) => {
      await client.request<null>('DELETE', `${V1}/books/${id(bookId)}/review`);
    },

    search: ({ autocorrect, ...params }: SearchParams, signal?: AbortSignal) =>
      get<SearchResult>('/search', { ...params, autocorrect: autocorrect === false ? 'false' : undefined }, signal),
    suggest: (q: string, signal?: AbortSignal) => get<{ suggestions: Suggestion[] }>('/search/suggest', { q }, signal).then((r) => r.suggestions),

    /** The signed-in account's cart, or this browser's guest cart (empty until a book is added). */
    cart: async (signal?: AbortSignal) => {
      if (!guestMode()) return get<Cart>('/cart', undefined, signal);
      const token = owner!.guestCart.get();
      if (token === null) return EMPTY_CART;
      try {
        return (await client.request<Cart>('GET', `${V1}/guest-cart`, { headers: { [GUEST_CART_HEADER]: token }, signal })).data;
      } catch (error) {
        if (!isGoneGuestCart(error)) throw error;
        owner!.guestCart.clear();
        return EMPTY_CART;
      }
    },
    setCartQuantity: async (bookId: string, quantity: number) =>
      guestMode()
        ? withGuestCart((headers) => client.request<Cart>('PUT', `${V1}/guest-cart/items/${id(bookId)}`, { headers, body: { quantity } }))
        : (await client.request<Cart>('PUT', `${V1}/cart/items/${id(bookId)}`, { body: { quantity } })).data,
    removeFromCart: async (bookId: string) =>
      guestMode()
        ? withGuestCart((headers) => client.request<Cart>('DELETE', `${V1}/guest-cart/items/${id(bookId)}`, { headers }))
        : (await client.request<Cart>('DELETE', `${V1}/cart/items/${id(bookId)}`)).data,

    /** The same key on every retry of one checkout: the server then creates at most one order. */
    placeOrder: async (idempotencyKey: string, shippingAddress: ShippingAddress, cardNumber?: string) =>
      (
        await client.request<{ order: Order }>('POST', `${V1}/orders`, {
          headers: { 'idempotency-key': idempotencyKey },
          body: cardNumber ? { shippingAddress, payment: { cardNumber } } : { shippingAddress },
        })
      ).data.order,
    cancelOrder: async (orderId: string) => (await client.request<{ order: Order }>('POST', `${V1}/orders/${id(orderId)}/cancel`)).data.order,
    orders: (cursor: string | undefined, signal?: AbortSignal) => get<Page<Order>>('/orders', { cursor, limit: 10 }, signal),
    order: (orderId: string, signal?: AbortSignal) => get<{ order: Order }>(`/orders/${id(orderId)}`, undefined, signal).then((r) => r.order),

    friends: (signal?: AbortSignal) => get<FriendList>('/friends', undefined, signal),
    findPeople: (q: string, signal?: AbortSignal) => get<{ users: PublicUser[] }>('/users', { q }, signal).then((r) => r.users),
    befriend: async (userId: string) => (await client.request<{ status: 'pending' | 'accepted' }>('PUT', `${V1}/friends/${id(userId)}`)).data.status,
    unfriend: async (userId: string) => {
      await client.request<null>('DELETE', `${V1}/friends/${id(userId)}`);
    },

    createBook: async (fields: Partial<BookFields>) => (await client.request<Book>('POST', `${V1}/books`, { body: fields })).data,
    updateBook: async (bookId: string, etag: string, changes: Partial<BookFields>): Promise<VersionedBook> => {
      const res = await client.request<Book>('PATCH', `${V1}/books/${id(bookId)}`, { headers: { 'if-match': etag }, body: changes });
      return { book: res.data, etag: res.headers.get('etag') ?? '' };
    },
    deleteBook: async (bookId: string, etag: string) => {
      await client.request<null>('DELETE', `${V1}/books/${id(bookId)}`, { headers: { 'if-match': etag } });
    },
    adminOrders: (query: { status?: OrderStatus | undefined; cursor?: string | undefined }, signal?: AbortSignal) => get<Page<AdminOrder>>('/admin/orders', { ...query, limit: 20 }, signal),
    setOrderStatus: async (orderId: string, status: OrderStatus) =>
      (await client.request<{ order: AdminOrder }>('POST', `${V1}/admin/orders/${id(orderId)}/status`, { body: { status } })).data.order,
    projections: (signal?: AbortSignal) => get<{ projections: ProjectionStatus[] }>('/admin/projections', undefined, signal).then((r) => r.projections),
    rebuildProjection: async (name: string) => {
      await client.request<unknown>('POST', `${V1}/admin/projections/${id(name)}/rebuild`);
    },
    lastAudit: (signal?: AbortSignal) => get<{ audit: AuditReport | null }>('/admin/audit', undefined, signal).then((r) => r.audit),
    runAudit: async (repair: boolean) => (await client.request<AuditReport>('POST', `${V1}/admin/audit`, { body: { repair } })).data,
  };
}

export type Endpoints = ReturnType<typeof createEndpoints>;
