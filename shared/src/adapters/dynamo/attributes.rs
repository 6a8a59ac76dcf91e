//! Items and keys of the port as DynamoDB attribute maps (through serde_dynamo), and back.

use crate::ports::{Index, Item, Key, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

pub(super) type AttributeMap = HashMap<String, AttributeValue>;

pub(super) fn to_attributes(item: &Item) -> Result<AttributeMap, StoreError> {
    serde_dynamo::to_item(item)
        .map_err(|e| StoreError::Other(anyhow::Error::new(e).context("item cannot be stored")))
}

pub(super) fn from_attributes(attributes: AttributeMap) -> Result<Item, StoreError> {
    serde_dynamo::from_item(attributes)
        .map_err(|e| StoreError::Other(anyhow::Error::new(e).context("stored item cannot be read")))
}

pub(super) fn to_attribute<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<AttributeValue, StoreError> {
    serde_dynamo::to_attribute_value(value)
        .map_err(|e| StoreError::Other(anyhow::Error::new(e).context("value cannot be stored")))
}

pub(super) fn key_attributes(key: &Key) -> AttributeMap {
    HashMap::from([
        ("pk".to_owned(), AttributeValue::S(key.pk.clone())),
        ("sk".to_owned(), AttributeValue::S(key.sk.clone())),
    ])
}

/// The exclusive start key of a query: only the key attributes, so that a whole item of the
/// previous page works as well (as it does on the memory table).
pub(super) fn start_key(start: &Item, index: Option<Index>) -> Result<AttributeMap, StoreError> {
    let mut attrs = vec!["pk", "sk"];
    if let Some(index) = index {
        attrs.extend([index.pk_attr(), index.sk_attr()]);
    }
    let key: Item = attrs
        .into_iter()
        .filter_map(|a| start.get(a).map(|v| (a.to_owned(), v.clone())))
        .collect();
    to_attributes(&key)
}
