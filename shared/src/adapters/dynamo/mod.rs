//! The storage port on DynamoDB: one table (`pk`/`sk`, sparse GSIs `gsi1` and `gsi2`, TTL on
//! `ttl`), with the same semantics as the in-memory table. Provisioning the table (feature
//! `provisioning`) and counting its requests (feature `testing`) are tools around the port, for
//! the local server, the tests and the benchmark; the Lambda functions compile neither.

mod attributes;
#[cfg(feature = "testing")]
mod counting;
mod errors;
mod expr;
#[cfg(feature = "provisioning")]
mod provision;
mod table;

#[cfg(feature = "testing")]
pub use counting::counting_client;
#[cfg(feature = "provisioning")]
pub use provision::ensure_table;
pub use table::DynamoTable;
