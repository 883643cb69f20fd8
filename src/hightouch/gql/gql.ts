/* eslint-disable */
import * as types from './graphql.ts';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

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
    "fragment HightouchIngestPayload on IngestPayload {\n  received\n  created\n  updated\n  unchanged\n  duplicate\n  deleted\n  notFound\n  rejected\n  results {\n    index\n    id\n    status\n    errors {\n      field\n      code\n      message\n    }\n  }\n}\n\nmutation HightouchUpsertAccounts($input: UpsertAccountsInput!) {\n  payload: upsertAccounts(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchUpsertUsers($input: UpsertUsersInput!) {\n  payload: upsertUsers(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchTrackEvents($input: TrackEventsInput!) {\n  payload: trackEvents(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchDeleteAccounts($input: DeleteAccountsInput!) {\n  payload: deleteAccounts(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchDeleteUsers($input: DeleteUsersInput!) {\n  payload: deleteUsers(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchCreateCustomField($input: CreateCustomFieldInput!) {\n  payload: createCustomField(input: $input) {\n    field {\n      key\n      label\n      type\n      declaredType\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": typeof types.HightouchIngestPayloadFragmentDoc,
};
const documents: Documents = {
    "fragment HightouchIngestPayload on IngestPayload {\n  received\n  created\n  updated\n  unchanged\n  duplicate\n  deleted\n  notFound\n  rejected\n  results {\n    index\n    id\n    status\n    errors {\n      field\n      code\n      message\n    }\n  }\n}\n\nmutation HightouchUpsertAccounts($input: UpsertAccountsInput!) {\n  payload: upsertAccounts(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchUpsertUsers($input: UpsertUsersInput!) {\n  payload: upsertUsers(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchTrackEvents($input: TrackEventsInput!) {\n  payload: trackEvents(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchDeleteAccounts($input: DeleteAccountsInput!) {\n  payload: deleteAccounts(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchDeleteUsers($input: DeleteUsersInput!) {\n  payload: deleteUsers(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchCreateCustomField($input: CreateCustomFieldInput!) {\n  payload: createCustomField(input: $input) {\n    field {\n      key\n      label\n      type\n      declaredType\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}": types.HightouchIngestPayloadFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment HightouchIngestPayload on IngestPayload {\n  received\n  created\n  updated\n  unchanged\n  duplicate\n  deleted\n  notFound\n  rejected\n  results {\n    index\n    id\n    status\n    errors {\n      field\n      code\n      message\n    }\n  }\n}\n\nmutation HightouchUpsertAccounts($input: UpsertAccountsInput!) {\n  payload: upsertAccounts(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchUpsertUsers($input: UpsertUsersInput!) {\n  payload: upsertUsers(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchTrackEvents($input: TrackEventsInput!) {\n  payload: trackEvents(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchDeleteAccounts($input: DeleteAccountsInput!) {\n  payload: deleteAccounts(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchDeleteUsers($input: DeleteUsersInput!) {\n  payload: deleteUsers(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchCreateCustomField($input: CreateCustomFieldInput!) {\n  payload: createCustomField(input: $input) {\n    field {\n      key\n      label\n      type\n      declaredType\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"): (typeof documents)["fragment HightouchIngestPayload on IngestPayload {\n  received\n  created\n  updated\n  unchanged\n  duplicate\n  deleted\n  notFound\n  rejected\n  results {\n    index\n    id\n    status\n    errors {\n      field\n      code\n      message\n    }\n  }\n}\n\nmutation HightouchUpsertAccounts($input: UpsertAccountsInput!) {\n  payload: upsertAccounts(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchUpsertUsers($input: UpsertUsersInput!) {\n  payload: upsertUsers(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchTrackEvents($input: TrackEventsInput!) {\n  payload: trackEvents(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchDeleteAccounts($input: DeleteAccountsInput!) {\n  payload: deleteAccounts(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchDeleteUsers($input: DeleteUsersInput!) {\n  payload: deleteUsers(input: $input) {\n    ...HightouchIngestPayload\n  }\n}\n\nmutation HightouchCreateCustomField($input: CreateCustomFieldInput!) {\n  payload: createCustomField(input: $input) {\n    field {\n      key\n      label\n      type\n      declaredType\n    }\n    userErrors {\n      field\n      message\n      code\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;