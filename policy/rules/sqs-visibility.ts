/**
 * An SQS queue that feeds a Lambda function keeps a message invisible for at least six times the
 * function's timeout; shorter, and a message still being processed is delivered again. AWS:
 * "set the source queue's visibility timeout to at least six times the timeout that you configure
 * on your function" (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
 */
import { ofType, sourcesOf, violation, type Rule, type Violation } from '../resources';

const name = 'sqs-visibility-timeout';
/** Defaults when the input is left out: SQS 30 s, Lambda 3 s. */
const defaultVisibility = 30;
const defaultTimeout = 3;

export const sqsVisibility: Rule = {
  name,
  description: 'An SQS queue feeding a function has a visibility timeout of at least 6 x the function timeout.',
  check(resources) {
    const found: Violation[] = [];
    for (const mapping of ofType(resources, 'aws:lambda/eventSourceMapping:EventSourceMapping')) {
      const queues = sourcesOf(resources, mapping, 'eventSourceArn').filter((r) => r.type === 'aws:sqs/queue:Queue');
      const functions = sourcesOf(resources, mapping, 'functionName').filter((r) => r.type === 'aws:lambda/function:Function');
      for (const queue of queues) {
        for (const fn of functions) {
          const visibility = Number(queue.props.visibilityTimeoutSeconds ?? defaultVisibility);
          const timeout = Number(fn.props.timeout ?? defaultTimeout);
          if (visibility < 6 * timeout) {
            found.push(violation(name, queue, `has visibilityTimeoutSeconds ${visibility} but feeds ${String(fn.props.name ?? fn.name)} (timeout ${timeout} s): set it to at least 6 x ${timeout} = ${6 * timeout}`));
          }
        }
      }
    }
    return found;
  },
};
