/**
 * The words every layer shares: which objects a workspace receives and what type a field's values
 * have. Ground floor: imports nothing, so the catalog, ingest, insights, views and the transports
 * all read these from here rather than from one of them.
 */

/** A field's value type, inferred from its values (catalog/inference.ts) or declared with the field. */
export type FieldType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATETIME' | 'EMAIL' | 'URL' | 'MIXED';
/** The three objects a workspace receives. Transports spell them their own way (`Lowercase<ObjectKind>`). */
export type ObjectKind = 'ACCOUNT' | 'USER' | 'EVENT';
/** The objects with an identity (stored as dimension rows: accounts and users). */
export type RecordKind = Exclude<ObjectKind, 'EVENT'>;
