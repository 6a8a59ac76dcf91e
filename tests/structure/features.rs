//! Each function binary links the AWS SDK clients of what `shared::functions` grants it and no
//! others: the features it enables on `shared` in `functions/<name>/Cargo.toml`.

use crate::sources::root;
use shared::functions::{FUNCTIONS, Function, SignInGrant};
use std::collections::BTreeSet;

/// The features of `shared` that `function`'s grants call for.
fn features_granted(function: &Function) -> BTreeSet<String> {
    let mut features = BTreeSet::new();
    if function.messaging {
        features.insert("aws-messaging");
    }
    if function.sign_ins != SignInGrant::None {
        features.insert("aws-sign-ins");
    }
    if function.queue {
        features.insert("aws-queue");
    }
    if features.is_empty() {
        // DynamoDB and the Lambda start, which every function needs.
        features.insert("aws");
    }
    features.into_iter().map(str::to_owned).collect()
}

/// The features `functions/<name>/Cargo.toml` enables on its `shared` dependency.
fn features_enabled(name: &str) -> BTreeSet<String> {
    let path = root().join("functions").join(name).join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let manifest: toml_edit::DocumentMut = text
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    manifest["dependencies"]["shared"]["features"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_function_enables_on_shared_exactly_the_sdk_clients_of_its_grants() {
    for function in FUNCTIONS {
        assert_eq!(
            features_enabled(function.name),
            features_granted(&function),
            "functions/{}/Cargo.toml: the features of shared",
            function.name
        );
    }
}

#[test]
fn no_function_takes_the_tools_of_the_tests_and_the_local_server() {
    for function in FUNCTIONS {
        let enabled = features_enabled(function.name);
        for tool in ["provisioning", "testing", "event-fixtures", "warm-init"] {
            assert!(
                !enabled.contains(tool),
                "functions/{} enables {tool}",
                function.name
            );
        }
    }
}
