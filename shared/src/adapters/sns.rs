//! SMS through Amazon SNS: the `SmsSender` port for AWS.

use super::aws_errors::sdk_error;
use crate::ports::{DeliveryError, SmsMessage, SmsSender};
use async_trait::async_trait;
use aws_sdk_sns::types::MessageAttributeValue;

pub struct SnsSms {
    client: aws_sdk_sns::Client,
}

impl SnsSms {
    pub fn new(client: aws_sdk_sns::Client) -> Self {
        Self { client }
    }
}

#[async_trait]
impl SmsSender for SnsSms {
    async fn send(&self, message: &SmsMessage) -> Result<(), DeliveryError> {
        // Registration codes are one-time passwords: transactional SMS are delivered with
        // priority, promotional ones may be dropped or delayed.
        let sms_type = MessageAttributeValue::builder()
            .data_type("String")
            .string_value("Transactional")
            .build()
            .map_err(|e| DeliveryError(anyhow::Error::new(e).context("SNS message attribute")))?;
        self.client
            .publish()
            .phone_number(message.to.as_str())
            .message(&message.text)
            .message_attributes("AWS.SNS.SMS.SMSType", sms_type)
            .send()
            .await
            .map_err(|e| DeliveryError(sdk_error("SNS Publish", e)))?;
        Ok(())
    }
}
