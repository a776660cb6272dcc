/**
 * Whether a trail delivers this region's management write events: every way a trail can leave the
 * guard blind (none, another region, stopped, selectors that leave the calls out), every way it
 * can cover (its own region, multi-region and organization trails seen as shadow trails, basic and
 * advanced selectors), and unknown when a read failed, never taken as covered.
 */
import { NEEDED_EVENTS } from '../../../lambda/app/guard-health';
import { trailCoverage, type TrailSnapshot } from '../../../lambda/core/guard/trail-coverage';

const ARN = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/management';
/** CloudTrail's default trail: one basic selector, all management events. */
const DEFAULT_SELECTORS = { basic: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }] };

function trail(over: Partial<TrailSnapshot> = {}): TrailSnapshot {
  return { name: 'management', arn: ARN, homeRegion: 'eu-west-1', multiRegion: false, organization: false, logging: true, selectors: DEFAULT_SELECTORS, ...over };
}
const judge = (...trails: TrailSnapshot[]) => trailCoverage({ region: 'eu-west-1', trails }, NEEDED_EVENTS);

test('needs every event the rules match, from both services', () => {
  expect(NEEDED_EVENTS).toEqual(expect.arrayContaining([
    { eventSource: 's3.amazonaws.com', eventName: 'PutBucketPolicy' },
    { eventSource: 's3.amazonaws.com', eventName: 'PutAccountPublicAccessBlock' },
    { eventSource: 'ec2.amazonaws.com', eventName: 'AuthorizeSecurityGroupIngress' },
    { eventSource: 'ec2.amazonaws.com', eventName: 'ModifyManagedPrefixList' },
  ]));
});

describe('blind', () => {
  test('no trail at all', () => {
    expect(judge()).toEqual({ kind: 'blind', reason: 'no CloudTrail trail exists for eu-west-1', trails: [] });
  });

  test('the only trail is not logging (StopLogging)', () => {
    const c = judge(trail({ logging: false }));
    expect(c.kind).toBe('blind');
    expect(c.trails).toEqual([{ name: 'management', arn: ARN, homeRegion: 'eu-west-1', covers: 'no', reason: 'not logging (StopLogging was called)' }]);
  });

  test('a single-region trail of another region does not cover this one', () => {
    const c = judge(trail({ homeRegion: 'us-east-1', arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management' }));
    expect(c).toMatchObject({ kind: 'blind', trails: [{ covers: 'no', reason: 'a single-region trail of us-east-1' }] });
  });

  test.each([
    ['read events only (ReadWriteType ReadOnly)', { basic: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }] }, /no management write events from s3\.amazonaws\.com; no management write events from ec2\.amazonaws\.com/],
    ['data events only (IncludeManagementEvents false)', { basic: [{ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] }, /no management write events from s3/],
    ['no selector at all', { basic: [] }, /no management write events from s3/],
  ])('basic selectors: %s', (_, selectors, reason) => {
    const c = judge(trail({ selectors }));
    expect(c.kind).toBe('blind');
    expect(c.trails[0]?.reason).toMatch(reason);
  });

  test.each([
    ['management read events only (readOnly Equals true)', [{ Name: 'reads', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['true'] }] }], /no management write events from s3.*ec2/],
    ['data events only', [{ Name: 's3 data', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }], /no management write events from s3/],
    ['network activity events only', [{ Name: 'vpce', FieldSelectors: [{ Field: 'eventCategory', Equals: ['NetworkActivity'] }, { Field: 'eventSource', Equals: ['ec2.amazonaws.com'] }] }], /^its event selectors log no management write events from s3\.amazonaws\.com; no management write events from ec2\.amazonaws\.com$/],
    // Not what a trail accepts today (an event data store's fields): read as not covering, the safer reading.
    ['a field the guard cannot judge (userIdentity.arn, an event data store\'s field)', [{ Name: 'ci only', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'userIdentity.arn', StartsWith: ['arn:aws:iam::111122223333:role/ci'] }] }], /\(a selector filters on userIdentity\.arn, which the guard cannot judge\)/],
    ['an event-name filter (an event data store\'s field): the names left out are named', [{ Name: 'acl only', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventName', Equals: ['PutBucketAcl', 'PutBucketPolicy'] }] }], /; not CreateBucket, DeleteBucketPolicy, PutBucketPublicAccessBlock, DeleteBucketPublicAccessBlock, PutBucketOwnershipControls and \d+ more$/],
  ])('advanced selectors that exclude them: %s', (_, advanced, reason) => {
    const c = judge(trail({ selectors: { advanced } }));
    expect(c.kind).toBe('blind');
    expect(c.trails[0]?.reason).toMatch(reason);
  });

  test('several trails, none covering: each says why', () => {
    const c = judge(trail({ name: 'a', logging: false }), trail({ name: 'b', selectors: { basic: [{ ReadWriteType: 'ReadOnly' }] } }));
    expect(c).toMatchObject({ kind: 'blind' });
    expect(c.kind === 'blind' && c.reason).toMatch(/^no trail logs this region's management write events: a: not logging .*; b: its event selectors log/);
  });
});

describe('covered', () => {
  test('CloudTrail\'s default trail in this region', () => {
    expect(judge(trail())).toMatchObject({ kind: 'covered', by: 'management' });
  });

  test('a selector with no ReadWriteType and no IncludeManagementEvents takes CloudTrail\'s defaults (All, true)', () => {
    expect(judge(trail({ selectors: { basic: [{}] } })).kind).toBe('covered');
  });

  test('write-only management events are enough', () => {
    expect(judge(trail({ selectors: { basic: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true, ExcludeManagementEventSources: ['kms.amazonaws.com'] }] } })).kind).toBe('covered');
  });

  test('a multi-region trail of another home region, seen here as a shadow trail', () => {
    const c = judge(trail({ homeRegion: 'us-east-1', multiRegion: true, arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org' }));
    expect(c.kind).toBe('covered');
  });

  test('an organization trail of another account whose selectors only its management account may read: logging covers, the canary proves delivery', () => {
    const { selectors: _s, ...rest } = trail({ name: 'org', organization: true, multiRegion: true, homeRegion: 'us-east-1', arn: 'arn:aws:cloudtrail:us-east-1:999988887777:trail/org' });
    const c = judge({ ...rest, selectorsHidden: 'CloudTrailARNInvalidException: AccountID in ARN is wrong' });
    expect(c).toMatchObject({ kind: 'covered', by: 'org' });
  });

  test('an organization trail of the management account', () => {
    const c = judge(trail({ name: 'org', organization: true, multiRegion: true, homeRegion: 'us-east-1', arn: 'arn:aws:cloudtrail:us-east-1:999988887777:trail/org' }));
    expect(c).toMatchObject({ kind: 'covered', by: 'org' });
  });

  test.each([
    ['management events, reads and writes', [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }]],
    ['management writes (readOnly Equals false)', [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }] }]],
    ['KMS and RDS Data API excluded (AWS\'s own example)', [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventSource', NotEquals: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] }] }]],
    ['a data selector beside a management one', [
      { Name: 'data', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] },
      { Name: 'mgmt', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
    ]],
  ])('advanced selectors: %s', (_, advanced) => {
    expect(judge(trail({ selectors: { advanced } })).kind).toBe('covered');
  });

  test('one covering trail is enough, whatever the others', () => {
    expect(judge(trail({ name: 'stopped', logging: false }), trail({ name: 'good' }))).toMatchObject({ kind: 'covered', by: 'good' });
  });
});

describe('unknown, never covered', () => {
  test('the trails could not be listed', () => {
    expect(trailCoverage({ region: 'eu-west-1', unreadable: 'AccessDeniedException: not authorized to perform cloudtrail:DescribeTrails' }, NEEDED_EVENTS))
      .toEqual({ kind: 'unknown', reason: 'the trails could not be listed (AccessDeniedException: not authorized to perform cloudtrail:DescribeTrails)', trails: [] });
  });

  test('the status could not be read', () => {
    const { logging: _l, ...rest } = trail();
    const c = judge({ ...rest, unreadable: { logging: 'TrailNotFoundException: Unknown trail' } });
    expect(c).toMatchObject({ kind: 'unknown', trails: [{ covers: 'unknown', reason: 'its status could not be read (TrailNotFoundException: Unknown trail)' }] });
  });

  test('the selectors could not be read', () => {
    const { selectors: _s, ...rest } = trail();
    expect(judge({ ...rest, unreadable: { selectors: 'AccessDeniedException: denied' } }).kind).toBe('unknown');
  });

  test('what is known to leave the guard blind still decides: a stopped trail with unread selectors is blind', () => {
    const { selectors: _s, ...rest } = trail({ logging: false });
    expect(judge({ ...rest, unreadable: { selectors: 'AccessDeniedException: denied' } }).kind).toBe('blind');
  });

  test('unknown beside a trail that does not cover is unknown, not blind', () => {
    const { logging: _l, ...rest } = trail({ name: 'org' });
    expect(judge(trail({ name: 'stopped', logging: false }), { ...rest, unreadable: { logging: 'AccessDeniedException: denied' } }).kind).toBe('unknown');
  });
});
