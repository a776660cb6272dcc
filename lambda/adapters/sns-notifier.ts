import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from '../core/notification/compose';

export interface Notifier {
  publish(notification: Notification): Promise<string | undefined>;
}

/** Publishes with MessageStructure json: email subscribers get the text, everyone else the result JSON. */
export class SnsNotifier implements Notifier {
  constructor(private readonly sns: SNSClient, private readonly topicArn: string) {}

  async publish(n: Notification): Promise<string | undefined> {
    // Protocols without their own key (sqs, lambda, https, email-json) receive `default`.
    const message = { default: n.json, email: n.email };
    const out = await this.sns.send(new PublishCommand({
      TopicArn: this.topicArn,
      Subject: n.subject,
      MessageStructure: 'json',
      Message: JSON.stringify(message),
      MessageAttributes: n.attributes,
    }));
    return out.MessageId;
  }
}
