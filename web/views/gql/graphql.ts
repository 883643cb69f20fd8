/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** The objects that carry fields. */
export type ObjectKind =
  /** Accounts (companies). */
  | 'ACCOUNT'
  /** Event properties. */
  | 'EVENT'
  /** Users of the customer's product. */
  | 'USER';

/** How to display a value of a view column. */
export type ValueFormat =
  /** A ratio of this window to the previous one shown as a change (0.6 = −40%). */
  | 'CHANGE'
  /** A money amount, in the workspace's currency. */
  | 'CURRENCY'
  /** An ISO-8601 date-time. */
  | 'DATE'
  /** A number of days. */
  | 'DAYS'
  /** A number with decimals. */
  | 'DECIMAL'
  /** A whole number. */
  | 'INTEGER'
  /** A ratio shown as a percentage (0.85 = 85%). */
  | 'PERCENT'
  /** Text as it is. */
  | 'TEXT';

/** The shape of a view. */
export type ViewKind =
  /** Records or events split by the values of a dimension or by metric. */
  | 'BREAKDOWN'
  /** Records ordered by a measure (top N). */
  | 'RANKING'
  /** The records matching a condition. */
  | 'SEGMENT'
  /** A metric over time. */
  | 'SERIES';

export type ViewsPageQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewsPageQuery = { viewer: { workspace: { name: string } }, views: Array<{ id: string, title: string, description: string, kind: ViewKind, object: ObjectKind, locked: boolean, reason: string | null, unlock: Array<string>, inputs: Array<{ label: string, providedBy: Array<string>, satisfied: boolean, hint: string }>, operation: { operationName: string, query: string, variables: Record<string, unknown> } | null, preview: { totalCount: number | null, columns: Array<{ key: string, label: string, format: ValueFormat }>, rows: Array<{ id: string | null, cells: Array<string | number | boolean | null> }> } | null }> };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ViewsPageDocument = new TypedDocumentString(`
    query ViewsPage {
  viewer {
    workspace {
      name
    }
  }
  views {
    id
    title
    description
    kind
    object
    locked
    reason
    unlock
    inputs {
      label
      providedBy
      satisfied
      hint
    }
    operation {
      operationName
      query
      variables
    }
    preview {
      columns {
        key
        label
        format
      }
      rows {
        id
        cells
      }
      totalCount
    }
  }
}
    `) as unknown as TypedDocumentString<ViewsPageQuery, ViewsPageQueryVariables>;