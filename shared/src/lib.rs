//! Library of the customer management back end of the document exchange platform: domain
//! types, use cases, ports, adapters and the HTTP routers that the Lambda functions and the
//! local server run.

pub mod adapters;
pub mod app;
pub mod auth;
pub mod config;
pub mod cursor;
pub mod domain;
pub mod error;
#[cfg(feature = "event-fixtures")]
pub mod fixtures;
pub mod functions;
pub mod http;
pub mod ids;
#[cfg(feature = "aws")]
pub mod lambda;
pub mod logging;
pub mod messages;
pub mod ports;
pub mod store;
pub mod usecases;
pub mod views;
