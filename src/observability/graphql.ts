import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../context.ts';
import type { Metrics, OperationOutcome } from './metrics.ts';
import { annotate } from './request.ts';

/**
 * Counts GraphQL operations by name and outcome, times their execution (resolvers and the database
 * work they do), and puts the operation on the request's log line.
 */
export function observabilityPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      let executionSeconds: number | undefined;
      return {
        async didResolveOperation({ contextValue, operationName, operation }) {
          annotate(contextValue, { operation: operationName ?? 'anonymous', operationType: operation?.operation });
        },
        async executionDidStart() {
          const started = process.hrtime.bigint();
          return {
            async executionDidEnd() {
              executionSeconds = Number(process.hrtime.bigint() - started) / 1e9;
            },
          };
        },
        async willSendResponse({ operation, operationName, response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          // Parse, validation and persisted-query failures never reach execution: "rejected".
          const outcome: OperationOutcome = !operation ? 'rejected' : errors?.length ? 'error' : 'success';
          const name = operation ? (operationName ?? 'anonymous') : 'unresolved';
          metrics.observeOperation(name, operation?.operation ?? 'unknown', outcome, executionSeconds);
        },
      };
    },
  };
}
