/** The rules of the policy pack, in the order `pulumi preview` reports them. */
import type { Rule } from '../resources';
import { alarms } from './alarms';
import { deadLetters } from './dead-letters';
import { encryption } from './encryption';
import { leastPrivilege } from './least-privilege';
import { publicStorage } from './public-storage';
import { runtimes } from './runtimes';
import { signedUploads } from './signed-uploads';
import { sqsVisibility } from './sqs-visibility';
import { usersApiAccess } from './users-api-access';

export const rules: readonly Rule[] = [publicStorage, encryption, leastPrivilege, deadLetters, sqsVisibility, alarms, usersApiAccess, runtimes, signedUploads];
