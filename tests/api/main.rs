//! One integration-test binary. Every API scenario runs twice: on the in-memory table and on
//! DynamoDB as spoken by moto's server mode (started by the test command, or by the harness
//! from the project's venv).

mod helpers;
mod moto;

mod authorisations;
mod aws_adapters;
mod backfill;
mod codes;
mod customers;
mod deletions;
mod deliveries;
mod due;
mod events;
mod export;
mod faults;
mod grants;
mod handover;
mod history;
mod identity;
mod imports;
mod input_rules;
mod leavers;
mod limits;
mod local_server;
mod logs;
mod need_to_know;
mod no_server_errors;
mod own_reviews;
mod permissions;
mod registration;
mod round_trips;
mod state_machine;
mod storage;
mod template_limits;
