/** lib does not import the Lambda code, so the rules' event lists are held equal to what targets() parses. */
import { EC2_EVENT_NAMES } from '../../../lambda/core/events/ec2-targets';
import { S3_EVENT_NAMES } from '../../../lambda/core/events/s3-targets';
import { ACCESS_POINT_EVENT_NAMES } from '../../../lambda/core/events/access-point-targets';
import { EC2_RULE_EVENT_NAMES, S3_RULE_EVENT_NAMES } from '../../../lib/event-names';

test.each([
  ['S3', S3_RULE_EVENT_NAMES, [...S3_EVENT_NAMES, ...ACCESS_POINT_EVENT_NAMES]],
  ['EC2', EC2_RULE_EVENT_NAMES, EC2_EVENT_NAMES],
])('the %s rule matches exactly the events targets() understands', (_name, rule, parsed) => {
  expect([...rule].sort()).toEqual([...parsed].sort());
});
