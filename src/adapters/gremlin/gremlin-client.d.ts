/**
 * The slice of the `gremlin` npm package (3.8, which ships no type declarations) that the Gremlin
 * adapters use: building bytecode traversals and sending them over a remote connection. Every step
 * is typed as returning the same fluent traversal; what a traversal yields is checked where it is
 * read, since the server decides it.
 */
declare module 'gremlin' {
  namespace gremlin {
    /** An enum token (T.id, Cardinality.single, Merge.onCreate, ...), serialized as such in bytecode. */
    interface EnumValue {
      readonly typeName: string;
      readonly elementName: string;
    }

    /** A predicate (P.eq, P.without, TextP.startingWith, ...). */
    interface Predicate {
      readonly operator: string;
    }

    interface GraphTraversal {
      V(...ids: unknown[]): GraphTraversal;
      as(label: string, ...labels: string[]): GraphTraversal;
      aggregate(sideEffectKey: string): GraphTraversal;
      by(...args: unknown[]): GraphTraversal;
      bothE(...labels: string[]): GraphTraversal;
      constant(value: unknown): GraphTraversal;
      count(scope?: EnumValue): GraphTraversal;
      drop(): GraphTraversal;
      fold(): GraphTraversal;
      groupCount(): GraphTraversal;
      has(...args: unknown[]): GraphTraversal;
      hasId(...ids: unknown[]): GraphTraversal;
      inE(...labels: string[]): GraphTraversal;
      inV(): GraphTraversal;
      limit(scopeOrCount: EnumValue | number, count?: number): GraphTraversal;
      /** Without an argument, merges the map each traverser holds. */
      mergeE(searchCreate?: Map<unknown, unknown>): GraphTraversal;
      mergeV(searchCreate?: Map<unknown, unknown>): GraphTraversal;
      not(traversal: GraphTraversal): GraphTraversal;
      option(token: EnumValue, value: unknown): GraphTraversal;
      order(scope?: EnumValue): GraphTraversal;
      outE(...labels: string[]): GraphTraversal;
      outV(): GraphTraversal;
      /** One map per traverser, a key per `by()` that follows. */
      project(...keys: string[]): GraphTraversal;
      property(...args: unknown[]): GraphTraversal;
      select(...keys: string[]): GraphTraversal;
      sideEffect(traversal: GraphTraversal): GraphTraversal;
      unfold(): GraphTraversal;
      /** Each property's values as a list, keyed by name (a Map). */
      valueMap(...keys: string[]): GraphTraversal;
      values(...keys: string[]): GraphTraversal;
      where(predicateOrTraversal: Predicate | GraphTraversal): GraphTraversal;
      /** Sends the bytecode and resolves to every result. */
      toList(): Promise<unknown[]>;
      /** Sends the bytecode and discards the results. */
      iterate(): Promise<void>;
    }

    interface GraphTraversalSource {
      V(...ids: unknown[]): GraphTraversal;
      E(...ids: unknown[]): GraphTraversal;
      inject(...values: unknown[]): GraphTraversal;
      mergeV(searchCreate: Map<unknown, unknown>): GraphTraversal;
    }

    /** What `traversal().withRemote()` sends bytecode through (`DriverRemoteConnection` is one). */
    interface RemoteConnection {
      readonly isOpen: boolean;
      open(): Promise<void>;
      close(): Promise<void>;
      /** Sends a traversal's bytecode; what it resolves to is the driver's (RemoteStrategy reads it). */
      submit(bytecode: unknown): Promise<unknown>;
    }

    interface DriverRemoteConnectionOptions {
      /** Sent with the WebSocket handshake (e.g. Neptune's SigV4 headers). */
      headers?: Record<string, string>;
      traversalSource?: string;
      mimeType?: string;
    }

    interface DriverRemoteConnectionConstructor {
      new (url: string, options?: DriverRemoteConnectionOptions): RemoteConnection;
    }

    interface AnonymousTraversalSource {
      withRemote(connection: RemoteConnection): GraphTraversalSource;
    }

    /** Anonymous traversals (`__`), for the bodies of steps such as where() and sideEffect(). */
    interface Statics {
      V(...ids: unknown[]): GraphTraversal;
      bothE(...labels: string[]): GraphTraversal;
      constant(value: unknown): GraphTraversal;
      coalesce(...traversals: GraphTraversal[]): GraphTraversal;
      hasId(...ids: unknown[]): GraphTraversal;
      inE(...labels: string[]): GraphTraversal;
      inV(): GraphTraversal;
      outE(...labels: string[]): GraphTraversal;
      outV(): GraphTraversal;
      unfold(): GraphTraversal;
      values(...keys: string[]): GraphTraversal;
    }

    interface TextPStatics {
      startingWith(prefix: string): Predicate;
    }

    interface PStatics {
      eq(value: unknown): Predicate;
      gte(value: unknown): Predicate;
      neq(value: unknown): Predicate;
      without(...values: unknown[]): Predicate;
    }
  }

  const gremlin: {
    driver: {
      DriverRemoteConnection: gremlin.DriverRemoteConnectionConstructor;
    };
    process: {
      traversal(): gremlin.AnonymousTraversalSource;
      statics: gremlin.Statics;
      P: gremlin.PStatics;
      TextP: gremlin.TextPStatics;
      t: { id: gremlin.EnumValue; label: gremlin.EnumValue };
      cardinality: { single: gremlin.EnumValue };
      column: { keys: gremlin.EnumValue; values: gremlin.EnumValue };
      direction: { out: gremlin.EnumValue; in: gremlin.EnumValue };
      merge: { onCreate: gremlin.EnumValue };
      order: { asc: gremlin.EnumValue; desc: gremlin.EnumValue };
      scope: { local: gremlin.EnumValue };
    };
  };
  export default gremlin;
}
