/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ViewsPage {\n  viewer {\n    workspace {\n      name\n    }\n  }\n  views {\n    id\n    title\n    description\n    kind\n    object\n    locked\n    reason\n    unlock\n    inputs {\n      label\n      providedBy\n      satisfied\n      hint\n    }\n    operation {\n      operationName\n      query\n      variables\n    }\n    preview {\n      columns {\n        key\n        label\n        format\n      }\n      rows {\n        id\n        cells\n      }\n      totalCount\n    }\n  }\n}": typeof types.ViewsPageDocument,
};
const documents: Documents = {
    "query ViewsPage {\n  viewer {\n    workspace {\n      name\n    }\n  }\n  views {\n    id\n    title\n    description\n    kind\n    object\n    locked\n    reason\n    unlock\n    inputs {\n      label\n      providedBy\n      satisfied\n      hint\n    }\n    operation {\n      operationName\n      query\n      variables\n    }\n    preview {\n      columns {\n        key\n        label\n        format\n      }\n      rows {\n        id\n        cells\n      }\n      totalCount\n    }\n  }\n}": types.ViewsPageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ViewsPage {\n  viewer {\n    workspace {\n      name\n    }\n  }\n  views {\n    id\n    title\n    description\n    kind\n    object\n    locked\n    reason\n    unlock\n    inputs {\n      label\n      providedBy\n      satisfied\n      hint\n    }\n    operation {\n      operationName\n      query\n      variables\n    }\n    preview {\n      columns {\n        key\n        label\n        format\n      }\n      rows {\n        id\n        cells\n      }\n      totalCount\n    }\n  }\n}"): typeof import('./graphql').ViewsPageDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
