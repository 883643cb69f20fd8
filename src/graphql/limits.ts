import type { ApolloServerPlugin } from '@apollo/server';
import {
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
} from 'graphql';
import type { Config } from '../config.ts';
import type { Interval } from '../insights/models.ts';
import { seriesPointsAtMost } from '../insights/time.ts';
import { annotate } from '../observability/request.ts';

// Checked after validation and before execution, on the operation that will run (fragments
// expanded per spread), so a hostile query is refused before it costs a single statement.
// Cost model: every field costs 1 except plain leaves (scalars/enums without arguments), which
// cost 0; a field with a `first`/`limit`/`buckets` argument multiplies the cost of its subtree by
// that value, and any other list multiplies it by `listSizeEstimate` — except `edges`/`nodes` of a
// connection, already sized by the connection's `first`, and the `points` of a series, sized by
// the buckets between its `from` and `to` at its `interval` (each point costs 1). Arguments are
// read as execution will see them (graphql-js coercion, variables included), and a size that is
// null or absent takes its schema default, as the resolvers do. Points of all series together are
// also capped on their own (`maxPoints`): they are what fills memory.

export type QueryLimits = Config['graphqlLimits'];

export interface OperationMeasure {
  depth: number;
  aliases: number;
  cost: number;
  /** Series points the response can hold at most. */
  points: number;
}

export type LimitCode = 'QUERY_TOO_DEEP' | 'TOO_MANY_ALIASES' | 'QUERY_TOO_COSTLY' | 'TOO_MANY_POINTS';

export const LIMIT_CODES: readonly LimitCode[] = ['QUERY_TOO_DEEP', 'TOO_MANY_ALIASES', 'QUERY_TOO_COSTLY', 'TOO_MANY_POINTS'];

const SIZE_ARGUMENTS = ['first', 'limit', 'buckets'];
/** The type whose `points` list is sized by the series' range and interval. */
const SERIES_TYPE = 'MetricSeries';

/** Fields visited while measuring; fragments spread many times could otherwise make the walk itself exponential. */
const WALK_BUDGET = 200_000;

export class LimitExceeded extends Error {
  constructor(
    readonly code: LimitCode,
    readonly limit: number,
    readonly actual: number,
  ) {
    super(code);
  }
}

export function limitError(code: LimitCode, limit: number, actual: number): GraphQLError {
  const messages: Record<LimitCode, string> = {
    QUERY_TOO_DEEP: `The operation nests fields ${actual} deep; at most ${limit} is allowed.`,
    TOO_MANY_ALIASES: `The operation uses ${actual} aliases; at most ${limit} are allowed.`,
    QUERY_TOO_COSTLY: `The operation's estimated cost is ${actual}; at most ${limit} is allowed. Ask for smaller pages (\`first\`), shorter series or fewer nested lists.`,
    TOO_MANY_POINTS: `The operation can return ${actual} series points; at most ${limit} are allowed. Use a larger \`interval\`, a shorter range or smaller pages.`,
  };
  return new GraphQLError(messages[code], { extensions: { code, limit, actual, http: { status: 400 } } });
}

type Arguments = Record<string, unknown>;

/** The field's arguments as execution will coerce them; {} when they cannot be (execution then fails anyway). */
function argumentValues(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Arguments): Arguments {
  if (field.args.length === 0) return {};
  try {
    return getArgumentValues(field, node, variables);
  } catch {
    return {};
  }
}

/** The largest `first`/`limit`/`buckets`; null or absent takes the schema default, as the resolvers do. */
function sizeArgument(field: GraphQLField<unknown, unknown>, args: Arguments): number | undefined {
  let size: number | undefined;
  for (const name of SIZE_ARGUMENTS) {
    const definition = field.args.find((arg) => arg.name === name);
    if (!definition) continue;
    const value = Object.hasOwn(args, name) && args[name] != null ? args[name] : definition.defaultValue;
    if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size ?? 0, Math.max(0, Math.trunc(value)));
  }
  return size;
}

/** Points of a `MetricSeries` field: from its own arguments or its `input` object. */
function seriesPoints(args: Arguments): number {
  const input = (args.input ?? args) as { from?: unknown; to?: unknown; interval?: unknown; timeZone?: unknown };
  if (!(input.from instanceof Date) || !(input.to instanceof Date)) return 0;
  const timeZone = typeof input.timeZone === 'string' ? input.timeZone : 'UTC';
  return seriesPointsAtMost(input.from, input.to, (input.interval ?? 'DAY') as Interval, timeZone);
}

function fieldDefinition(parent: GraphQLNamedType, name: string, schema: GraphQLSchema): GraphQLField<unknown, unknown> | undefined {
  if (name === '__typename') return TypeNameMetaFieldDef;
  if (parent === schema.getQueryType()) {
    if (name === '__schema') return SchemaMetaFieldDef;
    if (name === '__type') return TypeMetaFieldDef;
  }
  if (isObjectType(parent) || isInterfaceType(parent)) return parent.getFields()[name];
  return undefined;
}

/**
 * Depth, aliases and estimated cost of one operation. Stops early with `LimitExceeded` as soon as
 * a limit is crossed, so measuring a hostile document is itself bounded.
 */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  limits: QueryLimits,
): OperationMeasure {
  const measure: OperationMeasure = { depth: 0, aliases: 0, cost: 0, points: 0 };
  let visited = 0;
  // Variables as execution coerces them: defaults applied, an unset variable absent.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  const vars = coerced.coerced ?? {};

  /** `pointsPerSeries`: set while inside a `MetricSeries`, for its `points`. */
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, depth: number, multiplier: number, pointsPerSeries = 0): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        walk(selection.selectionSet, type ?? parent, depth, multiplier, pointsPerSeries);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && type) walk(fragment.selectionSet, type, depth, multiplier, pointsPerSeries);
        continue;
      }
      if (++visited > WALK_BUDGET) throw new LimitExceeded('QUERY_TOO_COSTLY', limits.maxCost, Math.max(measure.cost, limits.maxCost + 1));
      const fieldDepth = depth + 1;
      if (fieldDepth > measure.depth) {
        measure.depth = fieldDepth;
        if (fieldDepth > limits.maxDepth) throw new LimitExceeded('QUERY_TOO_DEEP', limits.maxDepth, fieldDepth);
      }
      if (selection.alias && ++measure.aliases > limits.maxAliases) {
        throw new LimitExceeded('TOO_MANY_ALIASES', limits.maxAliases, measure.aliases);
      }
      const field = fieldDefinition(parent, selection.name.value, schema);
      if (!field) continue;
      const named = getNamedType(field.type);
      const plainLeaf = isLeafType(named) && (selection.arguments?.length ?? 0) === 0 && field.args.length === 0;
      const seriesPointsField = parent.name === SERIES_TYPE && field.name === 'points';
      if (seriesPointsField) {
        const points = multiplier * pointsPerSeries;
        measure.points += points;
        if (measure.points > limits.maxPoints) throw new LimitExceeded('TOO_MANY_POINTS', limits.maxPoints, measure.points);
        measure.cost += points;
      } else if (!plainLeaf) {
        measure.cost += multiplier;
      }
      if (measure.cost > limits.maxCost) throw new LimitExceeded('QUERY_TOO_COSTLY', limits.maxCost, measure.cost);
      if (!selection.selectionSet || !isCompositeType(named)) continue;
      const args = argumentValues(field, selection, vars);
      if (named.name === SERIES_TYPE) {
        walk(selection.selectionSet, named, fieldDepth, multiplier, seriesPoints(args));
        continue;
      }
      const size = seriesPointsField ? pointsPerSeries : sizeArgument(field, args);
      const sizedByConnection = parent.name.endsWith('Connection') && ['edges', 'nodes'].includes(field.name);
      const listed = isListType(getNullableType(field.type)) && !sizedByConnection;
      const childMultiplier = multiplier * (size ?? (listed ? limits.listSizeEstimate : 1));
      walk(selection.selectionSet, named, fieldDepth, childMultiplier);
    }
  };

  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (root) walk(operation.selectionSet, root, 0, 1);
  return measure;
}

/** Refuses an operation over a limit with a 400 whose `extensions` name the limit, its value and the actual value. */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
          }
          try {
            const { cost } = measureOperation(schema, operation, fragments, request.variables ?? {}, limits);
            // On the request's log line and its trace.
            annotate(contextValue as object, { cost });
          } catch (error) {
            if (error instanceof LimitExceeded) throw limitError(error.code, error.limit, error.actual);
            throw error;
          }
        },
      };
    },
  };
}
